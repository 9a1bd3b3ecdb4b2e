/** What a server message changed in the client's picture: which views to redraw. */
export interface Change {
  conversations?: boolean;
  /** Entries of this conversation changed. */
  entries?: string;
  members?: boolean;
  status?: boolean;
  rooms?: boolean;
}
