/**
 * A set that keeps the `max` most recently added ids: what a process remembers of ids seen in
 * traffic (attacker-chosen, unbounded) when forgetting one costs only a repeated, idempotent write.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly max: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    // Sets iterate in insertion order: the first is the least recently added.
    while (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value!);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
