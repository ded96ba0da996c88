/** What the snippet element needs from an editor, whichever editor implements it. */
export interface CodeEditor {
  getValue(): string;
  setValue(value: string): void;
  focus(): void;
}
