import type { SandboxAnswer } from './graph-errors.js';
import { graphError } from './graph-errors.js';

/** A template as the sandbox's WhatsApp Manager knows it. */
export interface SandboxTemplate {
  name: string;
  language: string;
  category: 'UTILITY' | 'MARKETING' | 'AUTHENTICATION';
  /** @defaultValue `"APPROVED"` */
  status?: 'APPROVED' | 'PAUSED' | 'DISABLED';
  /** Body parameters: a count for positional `{{1}}`…, or the names of named parameters. */
  body: number | readonly string[];
  /** @defaultValue `"none"` */
  header?: 'none' | 'image';
}

interface TemplateComponent {
  type?: string;
  parameters?: Array<{ type?: string; text?: string; parameter_name?: string; image?: { id?: string; link?: string } }>;
}

/** The registry of approved templates, and the 132xxx checks Meta makes on a template send. */
export class TemplateRegistry {
  readonly #templates = new Map<string, Required<SandboxTemplate>>();

  constructor(templates: readonly SandboxTemplate[]) {
    for (const template of templates) this.set(template);
  }

  /** Adds or replaces a template. */
  set(template: SandboxTemplate): void {
    this.#templates.set(`${template.name}:${template.language}`, { status: 'APPROVED', header: 'none', ...template });
  }

  /** Changes the status or category of every language of a template. */
  update(name: string, change: Partial<Pick<SandboxTemplate, 'status' | 'category'>>): void {
    for (const template of this.#templates.values()) if (template.name === name) Object.assign(template, change);
  }

  /** Every registered template (one entry per language). */
  all(): Array<Required<SandboxTemplate>> {
    return [...this.#templates.values()];
  }

  /** The template for a name and language, if registered. */
  get(name: string, language: string): Required<SandboxTemplate> | undefined {
    return this.#templates.get(`${name}:${language}`);
  }

  /**
   * Checks a template send the way Meta does.
   *
   * @returns The error answer, or the template when the send is valid.
   */
  check(
    template: { name?: string; language?: { code?: string }; components?: TemplateComponent[] },
    knownMedia: (id: string) => boolean,
  ): { error: SandboxAnswer } | { template: Required<SandboxTemplate> } {
    const checked = this.#check(template, knownMedia);
    return typeof checked.status === 'number' ? { error: checked } : { template: checked };
  }

  #check(
    template: { name?: string; language?: { code?: string }; components?: TemplateComponent[] },
    knownMedia: (id: string) => boolean,
  ): SandboxAnswer | Required<SandboxTemplate> {
    const found = this.get(template.name ?? '', template.language?.code ?? '');
    if (!found) return graphError(132001, 404, 'template name does not exist in the translation');
    if (found.status === 'PAUSED') return graphError(132015, 400);
    if (found.status === 'DISABLED') return graphError(132016, 400);
    const components = template.components ?? [];
    const body = components.find((component) => component.type === 'body')?.parameters ?? [];
    const header = components.find((component) => component.type === 'header')?.parameters ?? [];
    if (typeof found.body === 'number') {
      if (body.length !== found.body || body.some((parameter) => parameter.parameter_name !== undefined)) {
        return graphError(132000, 400, `body: expected ${found.body} positional parameters, got ${body.length}`);
      }
    } else {
      const names = body.map((parameter) => parameter.parameter_name ?? '').sort();
      if (names.join(',') !== [...found.body].sort().join(',')) {
        return graphError(132000, 400, 'body: named parameters do not match the template');
      }
    }
    for (const parameter of body) {
      const text = parameter.text ?? '';
      if (parameter.type !== 'text' || text.length === 0 || /[\n\t]| {5}/.test(text)) {
        return graphError(
          132012,
          400,
          'body: text parameters cannot be empty or have new-line/tab characters or more than 4 consecutive spaces',
        );
      }
    }
    if (found.header === 'image') {
      const image = header[0]?.image;
      if (header.length !== 1 || header[0]?.type !== 'image' || !image) {
        return graphError(132012, 400, 'header: an image parameter is required');
      }
      if (image.id !== undefined && !knownMedia(image.id)) return graphError(131053, 400, 'header: unknown media id');
    } else if (header.length > 0) {
      return graphError(132000, 400, 'header: the template has no header parameters');
    }
    return found;
  }
}
