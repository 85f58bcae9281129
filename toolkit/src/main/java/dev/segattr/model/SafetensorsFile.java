package dev.segattr.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segattr.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length, a JSON header (name -> dtype, shape,
 * byte range), then the raw tensors. We parse the header ourselves so that every dtype, shape and byte range
 * is checked before a byte reaches the native engine (DJL aborts the JVM on BF16), and we read tensor by
 * tensor through memory maps, so files and tensors above 2 GB work. BF16 is widened to float32 in Java.
 */
final class SafetensorsFile implements AutoCloseable {

    /** Largest header the safetensors format allows (100 MB); anything bigger is a corrupt length. */
    private static final long MAX_HEADER = 100L << 20;
    /** Tensors are copied in row blocks of at most this many source bytes: bounded temporary memory. */
    private static final long CHUNK_BYTES = 64L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tensor's place in the file; {@code begin}/{@code end} are absolute file offsets. */
    record Entry(String name, String dtype, long[] shape, long begin, long end) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        Shape djlShape() {
            return new Shape(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, FileChannel channel, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    static SafetensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot open: " + e.getMessage());
        }
        try {
            return new SafetensorsFile(file, channel, readHeader(file, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    /**
     * Copies one tensor into an array of {@code target} type (FLOAT32 or FLOAT16) owned by {@code manager}.
     * The source may be F32, F16 or BF16; anything else is refused with the file and tensor named.
     */
    NDArray read(String name, NDManager manager, DataType target) {
        return read(name, manager, target, CHUNK_BYTES);
    }

    /** As {@link #read(String, NDManager, DataType)}, copying at most {@code chunkBytes} source bytes at once. */
    NDArray read(String name, NDManager manager, DataType target, long chunkBytes) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new BadInputException(file + ": no tensor '" + name + "'");
        }
        DataType source = switch (e.dtype) {
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16; // never handed to DJL: widened below
            default -> throw new BadInputException(file + ": tensor '" + name + "' has dtype " + e.dtype
                    + " (supported: F32, F16, BF16)");
        };
        long rows = e.shape.length == 0 ? 1 : e.shape[0];
        long elements = e.elements();
        if (elements == 0) {
            return manager.create(e.djlShape(), target);
        }
        long rowElements = elements / rows;
        long rowBytes = rowElements * source.getNumOfBytes();
        long rowsPerChunk = Math.max(1, chunkBytes / rowBytes);
        if (rowBytes > Integer.MAX_VALUE / 2) {
            throw new BadInputException(file + ": tensor '" + name + "' has rows of " + rowBytes
                    + " bytes, too large to copy");
        }
        if (rows <= rowsPerChunk) {
            try (NDArray flat = readRows(e, source, 0, rows, rowElements, manager, target)) {
                return flat.reshape(e.djlShape());                      // shares the copy's memory
            }
        }
        NDArray out = manager.create(e.djlShape(), target);
        for (long r = 0; r < rows; r += rowsPerChunk) {
            long end = Math.min(rows, r + rowsPerChunk);
            try (NDArray flat = readRows(e, source, r, end, rowElements, manager, target);
                 NDArray part = flat.reshape(shapeWithRows(e.shape, end - r))) {
                out.set(new NDIndex("{}:{}", r, end), part);
            }
        }
        return out;
    }

    /** Rows [r0, r1) as a flat array of {@code target} type, in memory owned by the engine. */
    private NDArray readRows(Entry e, DataType source, long r0, long r1, long rowElements, NDManager manager,
                             DataType target) {
        long count = (r1 - r0) * rowElements;
        long offset = e.begin + r0 * rowElements * source.getNumOfBytes();
        ByteBuffer bytes = map(offset, count * source.getNumOfBytes());
        DataType viewType = source;
        if (source == DataType.BFLOAT16) {
            bytes = widenBf16(bytes.asShortBuffer(), (int) count);
            viewType = DataType.FLOAT32;
        }
        // The view borrows the mapped (read-only) bytes, which vanish when the map is collected: the result
        // must be a copy. toType(sameType, copy=true) is NOT one in DJL 0.36 (it returns a tensor sharing the
        // storage), hence duplicate() when no conversion is needed.
        try (NDArray view = manager.create(bytes, new Shape(count), viewType)) {
            return viewType == target ? view.duplicate() : view.toType(target, false);
        }
    }

    private ByteBuffer map(long offset, long length) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** bfloat16 is the top half of a float32: shift the 16 bits up. */
    private static ByteBuffer widenBf16(ShortBuffer bits, int count) {
        ByteBuffer out = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
        FloatBuffer floats = out.asFloatBuffer();
        for (int i = 0; i < count; i++) {
            floats.put(i, Float.intBitsToFloat((bits.get(i) & 0xffff) << 16));
        }
        return out;
    }

    private static Shape shapeWithRows(long[] shape, long rows) {
        long[] s = shape.clone();
        s[0] = rows;
        return new Shape(s);
    }

    private static Map<String, Entry> readHeader(Path file, FileChannel channel) {
        long size;
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            size = channel.size();
            readFully(channel, lengthBytes, 0);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        if (lengthBytes.position() < 8) {
            throw new BadInputException(file + ": truncated: " + size + " bytes, not even a safetensors header");
        }
        long headerLength = lengthBytes.getLong(0);
        if (headerLength <= 0 || headerLength > MAX_HEADER) {
            throw new BadInputException(file + ": not a safetensors file (header length " + headerLength + ")");
        }
        if (8 + headerLength > size) {
            throw new BadInputException(file + ": truncated: header of " + headerLength + " bytes, file of "
                    + size + " bytes");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        JsonNode header;
        try {
            readFully(channel, headerBytes, 8);
            header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException(file + ": safetensors header is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (header == null || !header.isObject()) {
            throw new BadInputException(file + ": safetensors header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("__metadata__")) {
                Entry e = entry(file, field.getKey(), field.getValue(), dataStart);
                if (e.end > size) {
                    throw new BadInputException(file + ": truncated: tensor '" + e.name + "' ends at byte "
                            + e.end + ", file has " + size + " bytes");
                }
                entries.put(e.name, e);
            }
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataStart) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new BadInputException(file + ": tensor '" + name + "': malformed header entry " + node);
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong(-1);
            if (!shape.get(i).isIntegralNumber() || dims[i] < 0) {
                throw new BadInputException(file + ": tensor '" + name + "': bad shape " + shape);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin) {
            throw new BadInputException(file + ": tensor '" + name + "': bad data_offsets " + offsets);
        }
        Entry e = new Entry(name, dtype.asText(), dims, dataStart + begin, dataStart + end);
        int width = switch (e.dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
        if (width > 0 && e.elements() * width != end - begin) {
            throw new BadInputException(file + ": tensor '" + name + "': " + (end - begin) + " bytes for shape "
                    + shape + " of " + e.dtype);
        }
        return e;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                break;
            }
        }
    }

    /**
     * Writes float32 tensors, in the given order, as transformers' {@code save_pretrained} does: a header with
     * {@code "__metadata__": {"format": "pt"}}, padded with spaces to a multiple of 8 bytes.
     */
    static void write(OutputStream out, Map<String, NDArray> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, NDArray> t : tensors.entrySet()) {
            long bytes = t.getValue().size() * 4;
            ObjectNode entry = header.putObject(t.getKey());
            entry.put("dtype", "F32");
            long[] shape = t.getValue().getShape().getShape();
            for (long d : shape) {
                entry.withArray("shape").add(d);
            }
            if (shape.length == 0) {
                entry.putArray("shape");
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        out.write(prefix.array());
        for (NDArray t : tensors.values()) {
            writeFloats(out, t);
        }
    }

    /** Row block by row block, so a tensor over 2 GB never needs one Java buffer. */
    private static void writeFloats(OutputStream out, NDArray tensor) throws IOException {
        boolean scalar = tensor.getShape().dimension() == 0;
        long rows = scalar ? 1 : tensor.getShape().get(0);
        if (tensor.size() == 0) {
            return;
        }
        long rowsPerChunk = Math.max(1, CHUNK_BYTES / (tensor.size() / rows * 4));
        for (long r = 0; r < rows; r += rowsPerChunk) {
            long end = Math.min(rows, r + rowsPerChunk);
            // Each step copies, so closing the temporaries never touches the caller's tensor.
            try (NDArray slice = scalar ? tensor.duplicate() : tensor.get(new NDIndex("{}:{}", r, end));
                 NDArray onCpu = slice.toDevice(Device.cpu(), true);
                 NDArray floats = onCpu.toType(DataType.FLOAT32, true)) {
                ByteBuffer data = floats.toByteBuffer().order(ByteOrder.nativeOrder());
                byte[] chunk = new byte[data.remaining()];
                ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data.asFloatBuffer());
                out.write(chunk);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }
}
