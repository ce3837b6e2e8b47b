/** What every presenter needs besides the record: where this server is, for the URLs entities carry. */
export interface Presentation {
  /** The public origin, `https://example.social`: no trailing slash. */
  origin: string;
}
