// ASP.NET Core ProblemDetails bodies, in the exact key order and with exactly the keys of the
// captured 400 (type, title, status, errors; no traceId): test/fixtures/elexon/ERROR400_*.json.

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  status: 400;
  body: string;
}

export function validationProblem(errors: Record<string, string[]>): Problem {
  const body = {
    type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
  };
  return { status: 400, body: JSON.stringify(body) };
}

/** ASP.NET names model properties in PascalCase in its messages: publishDateTimeFrom -> PublishDateTimeFrom. */
export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** 60 -> "1 hour", 1440 -> "1 day", 10080 -> "7 days". */
export function humanMinutes(minutes: number): string {
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return unit(minutes / 1440, 'day');
  if (minutes % 60 === 0) return unit(minutes / 60, 'hour');
  return unit(minutes, 'minute');
}

export function rangeProblem(fromParam: string, toParam: string, maxMinutes: number): Problem {
  return validationProblem({
    '': [
      `The date range between ${pascal(fromParam)} and ${pascal(toParam)} inclusive must not exceed ${humanMinutes(maxMinutes)}`,
    ],
  });
}

export function invalidValueProblem(param: string, value: string): Problem {
  return validationProblem({ [param]: [`The value '${value}' is not valid.`] });
}

export function requiredProblem(params: readonly string[]): Problem {
  return validationProblem(Object.fromEntries(params.map((p) => [p, [`The ${p} field is required.`]])));
}
