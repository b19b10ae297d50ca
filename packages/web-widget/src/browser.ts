// Script-tag entry (IIFE): registers the element and defines no global.
import { defineBanditoreAlerts } from './register.js';

defineBanditoreAlerts();
