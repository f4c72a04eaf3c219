/** The frame limit `websocket.ts` derives from the schema (see emitters/typescript/websocket-file.ts). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  maxMessageBytes,
  maxPayloadBytes,
  UNBOUNDED_WEBSOCKET_PAYLOAD_BYTES,
} from "../emitters/typescript/websocket-file.js";
import type { EnumDef, Schema } from "../src/schema/types.js";
import { compileSchema, tmpRoot } from "./support/ts-emit.js";

const dir = join(tmpRoot, `websocket-emit-${process.pid}`);
let count = 0;

function schemaOf(source: string): Schema {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `s${++count}.hamlet`);
  writeFileSync(file, source);
  return compileSchema(file);
}

function messageOf(schema: Schema, name: string): EnumDef {
  const def = schema.types.find((t) => t.name === name);
  if (def?.kind !== "enum") throw new Error(`no enum ${name}`);
  return def;
}

describe("websocket max payload", () => {
  it("bounds a message whose strings and lists are bounded: worst-case JSON, rounded up to 1 KiB", () => {
    const schema = schemaOf(`package t
alias Room = String @length(1, 10)
record Cell { x: Int, y: Int }
websocket Game: "/ws/game" {
  Say { room: Room, text: String @length(1, 100) }
  Move { cells: List<Cell> @maxItems(3), done: Bool? }
}
`);
    const game = messageOf(schema, "Game");
    // Say: {"tag":"Say","room":<2+60>,"text":<2+600>}
    const say = 2 + (3 + 9) + (4 + 4 + 62) + (4 + 4 + 602);
    const cell = 2 + (1 + 4 + 24) * 2;
    const move = 2 + (4 + 9) + (5 + 4 + (2 + 3 * (cell + 1))) + (4 + 4 + 5);
    expect(maxMessageBytes(schema, game)).toBe(Math.max(say, move));
    expect(maxPayloadBytes(schema, game)).toBe(1024);
  });

  it("falls back to 64 KiB when any message is unbounded", () => {
    const schema = schemaOf(`package t
websocket Chat: "/ws/chat" {
  Say { text: String }
}
`);
    expect(maxMessageBytes(schema, messageOf(schema, "Chat"))).toBeUndefined();
    expect(maxPayloadBytes(schema, messageOf(schema, "Chat"))).toBe(UNBOUNDED_WEBSOCKET_PAYLOAD_BYTES);
  });
});
