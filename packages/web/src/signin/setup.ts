/** sessionStorage key of a first-start setup secret, carried from `/my/setup#…` into the sign-in page. */
export const SETUP_KEY = 'latchkey.setup';
