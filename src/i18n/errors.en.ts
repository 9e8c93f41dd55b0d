import type { zhErrors } from './errors.zh-CN.ts';

export const enErrors: typeof zhErrors = {
  internal_error: 'Something went wrong on our side; quote request id {{requestId}}',
};
