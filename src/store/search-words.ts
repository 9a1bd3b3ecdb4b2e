/** Words of a search query, lower-cased, without the characters search syntaxes give meaning to. */
export function searchWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((word) => word.length > 0)
    .slice(0, 16);
}
