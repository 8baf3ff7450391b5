/**
 * The slice of the WebGPU API the scheduler uses, declared structurally so sched needs no global type package:
 * a real GPUDevice / GPU (Chromium's navigator.gpu, the Node `webgpu` package) is assignable to these.
 * Numeric usage flags are the spec's fixed values (globals such as GPUBufferUsage are not defined everywhere).
 */
export const BufferUsage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MapMode = { READ: 0x1 } as const;

export interface GpuBufferLike {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<undefined | void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuComputePassLike {
  setPipeline(pipeline: unknown): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoderLike {
  beginComputePass(descriptor?: unknown): GpuComputePassLike;
  copyBufferToBuffer(
    source: GpuBufferLike,
    sourceOffset: number,
    destination: GpuBufferLike,
    destinationOffset: number,
    size: number,
  ): void;
  finish(): unknown;
}

export interface GpuLimitsLike {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

export interface GpuDeviceLike {
  readonly limits: GpuLimitsLike;
  readonly queue: {
    writeBuffer(
      buffer: GpuBufferLike,
      offset: number,
      data: ArrayBufferView | ArrayBuffer,
      dataOffset?: number,
      size?: number,
    ): void;
    submit(buffers: readonly unknown[]): void;
    onSubmittedWorkDone(): Promise<undefined | void>;
  };
  createBuffer(descriptor: { size: number; usage: number; label?: string; mappedAtCreation?: boolean }): GpuBufferLike;
  createShaderModule(descriptor: { code: string; label?: string }): {
    getCompilationInfo?(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
  };
  createComputePipeline(descriptor: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string };
    label?: string;
  }): { getBindGroupLayout(index: number): unknown };
  createBindGroup(descriptor: {
    layout: unknown;
    entries: readonly { binding: number; resource: { buffer: GpuBufferLike; offset?: number; size?: number } }[];
  }): unknown;
  createCommandEncoder(descriptor?: unknown): GpuCommandEncoderLike;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}

export interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

export interface GpuAdapterLike {
  readonly info?: GpuAdapterInfoLike;
  readonly isFallbackAdapter?: boolean;
  readonly limits: GpuLimitsLike;
  readonly featureLevel?: string;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number>; label?: string }): Promise<GpuDeviceLike>;
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
    featureLevel?: string;
    forceFallbackAdapter?: boolean;
  }): Promise<GpuAdapterLike | null>;
}
