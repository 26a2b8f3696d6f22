import Glibc

/// A read-only memory map of a whole file. Model weights are used in place from the map, so a file is never
/// copied twice; the kernel pages it in as tensors are touched.
public final class MappedFile {
    public let path: String
    public let base: UnsafeRawPointer
    public let count: Int

    public init(path: String) throws {
        self.path = path
        // Non-blocking, so a FIFO (or a device) is refused below instead of blocking the open.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw ModelFileError(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ModelFileError(path, "cannot stat: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ModelFileError(path, "not a regular file") }
        count = Int(st.st_size)
        guard count > 0 else { throw ModelFileError(path, "empty file") }
        guard let p = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw ModelFileError(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
        madvise(UnsafeMutableRawPointer(mutating: base), count, MADV_WILLNEED)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The bytes of a model directory's JSON document (config, tokenizer, index, trainer state), read under
    /// the same rules as weights: a regular file (a FIFO is refused, not waited on), errors naming it.
    public static func document(_ path: String, limit: Int = 1 << 30) throws -> [UInt8] {
        let f = try MappedFile(path: path)
        guard f.count <= limit else { throw ModelFileError(path, "\(f.count) bytes, over the \(limit)-byte limit for this file") }
        return Array(f.bytes)
    }
}

/// A model file that cannot be used: bad magic, offsets past the end, wrong sizes, unknown types.
/// Always names the file; tools turn it into exit status 65.
public struct ModelFileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// A JSON document of a model directory (config, tokenizer, safetensors header) as a record, or an error
/// naming the file.
func parseJSONDocument(_ b: UnsafeRawBufferPointer, path: String, what: String) throws -> Record {
    switch Result(catching: { () throws(JSONSyntaxError) -> Record in try Record.parse(b, source: path) }) {
    case .success(let r): return r
    case .failure(let e): throw ModelFileError(path, "\(what) is not a JSON object: \(e.message) (byte \(e.offset))")
    }
}
