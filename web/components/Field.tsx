/** A labelled text input with its hint and error tied to it (aria-describedby). */
import type { Ref } from 'preact';

export interface FieldProps {
  id: string;
  label: string;
  value: string;
  onValue(value: string): void;
  hint?: string | undefined;
  error?: string | null | undefined;
  /** Invalid by an error shown elsewhere (one message for a group of fields), given in `describedBy`. */
  invalid?: boolean | undefined;
  /** Ids of other elements that describe the field. */
  describedBy?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
  type?: 'text' | 'tel' | 'date' | 'email';
  inputMode?: 'text' | 'numeric' | 'tel' | 'email';
  autoComplete?: string;
  autoCapitalize?: 'off' | 'words' | 'sentences' | 'characters';
  maxLength?: number;
  min?: string;
  max?: string;
  pattern?: string;
  required?: boolean;
  class?: string;
}

export function Field({ id, label, value, onValue, hint, error, invalid, describedBy: others, inputRef, type = 'text', class: className, ...input }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId, others].filter(Boolean).join(' ') || undefined;
  const isInvalid = Boolean(error) || Boolean(invalid);
  return (
    <div class={isInvalid ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      {hint ? (
        <p id={hintId} class="hint">
          {hint}
        </p>
      ) : null}
      <input
        {...input}
        // Preact's input typings are a union keyed by `type`; a union-typed `type` needs narrowing to one member.
        type={type as 'text'}
        class={className}
        id={id}
        name={id}
        ref={inputRef}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={isInvalid ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <p id={errorId} class="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
