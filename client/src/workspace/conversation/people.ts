/** A person as awareness and the server name them. */
export interface Person {
  id: string;
  name: string;
}
