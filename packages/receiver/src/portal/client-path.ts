/** The page of one client. */
export const clientPath = (id: string) => `/portal/clients/${encodeURIComponent(id)}`;
