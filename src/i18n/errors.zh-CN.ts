/** Refusals (the `message` of every error), by error code. Filled in with the error handler's catalogue. */
export const zhErrors = {
  internal_error: '服务器内部错误，请凭请求编号 {{requestId}} 联系我们',
};
