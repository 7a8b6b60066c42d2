import type { FormValue, FormValues, SchemaField } from '../schemaForm.ts';

/** Controls for a factory's input, each labelled with its field name; issues shown at their paths. */
export function FactoryFields(props: {
  fields: readonly SchemaField[];
  values: FormValues;
  onChange: (values: FormValues) => void;
  issues: ReadonlyMap<string, string>;
}) {
  return (
    <>
      {props.fields.map((field) => (
        <Field
          key={field.name}
          field={field}
          value={props.values[field.name]}
          issues={props.issues}
          onChange={(value) => props.onChange({ ...props.values, [field.name]: value })}
        />
      ))}
    </>
  );
}

function Field(props: {
  field: SchemaField;
  value: FormValue | undefined;
  issues: ReadonlyMap<string, string>;
  onChange: (value: FormValue) => void;
}) {
  const { field, value, onChange } = props;
  const key = field.path.join('.');
  const id = `factory-${key}`;
  const issue = props.issues.get(key);
  if (field.kind === 'object') {
    return (
      <fieldset>
        <legend>{field.name}</legend>
        <FactoryFields
          fields={field.children}
          values={typeof value === 'object' ? value : {}}
          onChange={onChange}
          issues={props.issues}
        />
        {issue && <FieldIssue id={`${id}-issue`} text={issue} />}
      </fieldset>
    );
  }
  const described = {
    'aria-invalid': issue !== undefined,
    ...(issue && { 'aria-describedby': `${id}-issue` }),
  };
  const text = typeof value === 'string' ? value : '';
  return (
    <div className={field.kind === 'boolean' ? 'field checkbox' : 'field'}>
      <label htmlFor={id}>{field.name}</label>
      {field.kind === 'enum' ? (
        <select
          id={id}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          {...described}
        >
          {!field.required && <option value="">(default)</option>}
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.kind === 'boolean' ? (
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={(event) => onChange(event.target.checked)}
          {...described}
        />
      ) : (
        <input
          id={id}
          type={field.kind === 'number' || field.kind === 'integer' ? 'number' : 'text'}
          step={field.kind === 'integer' ? 1 : 'any'}
          placeholder={field.kind === 'json' ? 'JSON' : undefined}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          {...described}
        />
      )}
      {field.description && <small>{field.description}</small>}
      {issue && <FieldIssue id={`${id}-issue`} text={issue} />}
    </div>
  );
}

function FieldIssue(props: { id: string; text: string }) {
  return (
    <p id={props.id} className="issue" role="alert">
      {props.text}
    </p>
  );
}
