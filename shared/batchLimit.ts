/** Most documents one request (and one OTP) may sign: a batch (pukal). Free of zod, so the widget can import it. */
export const MAX_BATCH_DOCUMENTS = 500;
