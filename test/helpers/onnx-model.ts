/**
 * Small ONNX models written out by hand (ModelProto in protobuf's wire format), for tests that need a
 * model with a particular shape rather than a trained one: one float input and one float output, the
 * nodes in order, float initializers. Only the fields those tests use are written.
 */

export interface OnnxAttribute {
  name: string;
  /** An INTS attribute (kernel_shape, pads, …) or a FLOAT one. */
  ints?: number[];
  float?: number;
}

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  values: number[];
}

/** A float32 tensor's name and shape; a string dimension is symbolic (any size). */
export type OnnxValue = [name: string, dims: (number | string)[]];

type Bytes = number[];

function varint(n: number): Bytes {
  const out: Bytes = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? low | 0x80 : low);
  } while (v);
  return out;
}

const tag = (field: number, wireType: number): Bytes => varint((field << 3) | wireType);
const int = (field: number, n: number): Bytes => [...tag(field, 0), ...varint(n)];
const bytes = (field: number, body: ArrayLike<number>): Bytes => [...tag(field, 2), ...varint(body.length), ...Array.from(body)];
const text = (field: number, s: string): Bytes => bytes(field, new TextEncoder().encode(s));
const float = (field: number, x: number): Bytes => [...tag(field, 5), ...new Uint8Array(new Float32Array([x]).buffer)];

// Field numbers and enums from onnx.proto (AttributeProto.AttributeType: FLOAT 1, INTS 7; TensorProto.DataType: FLOAT 1).
function attribute(a: OnnxAttribute): Bytes {
  const value = a.ints ? [...a.ints.flatMap((v) => int(8, v)), ...int(20, 7)] : [...float(2, a.float!), ...int(20, 1)];
  return [...text(1, a.name), ...value];
}

function node(n: OnnxNode, index: number): Bytes {
  return [...n.inputs.flatMap((s) => text(1, s)), ...n.outputs.flatMap((s) => text(2, s)), ...text(3, `${n.op}_${index}`), ...text(4, n.op),
    ...(n.attributes ?? []).flatMap((a) => bytes(5, attribute(a)))];
}

function initializer(t: OnnxInitializer): Bytes {
  return [...t.dims.flatMap((d) => int(1, d)), ...int(2, 1), ...text(8, t.name), ...bytes(9, new Uint8Array(new Float32Array(t.values).buffer))];
}

function valueInfo([name, dims]: OnnxValue): Bytes {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d)));
  return [...text(1, name), ...bytes(2, bytes(1, [...int(1, 1), ...bytes(2, shape)]))];
}

/** The model's file bytes (IR version 8, the default domain at `opset`). */
export function onnxModel(nodes: OnnxNode[], initializers: OnnxInitializer[], input: OnnxValue, output: OnnxValue, opset = 17): Uint8Array {
  const graph = [...nodes.flatMap((n, k) => bytes(1, node(n, k))), ...text(2, 'graph'), ...initializers.flatMap((t) => bytes(5, initializer(t))),
    ...bytes(11, valueInfo(input)), ...bytes(12, valueInfo(output))];
  return new Uint8Array([...int(1, 8), ...bytes(8, int(2, opset)), ...text(2, 'autoroto tests'), ...bytes(7, graph)]);
}
