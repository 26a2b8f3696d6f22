import Glibc

/// The fuzz targets by name, and what they share: hostile bytes written to a scratch file (the readers
/// under test take paths, as the tools do).
enum FuzzTargets {
    static let all: [String: (UnsafeRawBufferPointer) -> Void] = [
        "gguf": FuzzGGUF.run, "gguf-tokenizer": FuzzGGUFTokenizer.run,
        "safetensors": FuzzSafetensors.run, "safetensors-index": FuzzSafetensorsIndex.run,
        "hf-config": FuzzHFConfig.run, "tokenizer-json": FuzzTokenizerJSON.run, "trainer-state": FuzzTrainerState.run,
        "json-scanner": FuzzJSONScanner.run, "record-reader": FuzzRecordReader.run, "zstd": FuzzZstd.run,
        "csv": FuzzCSV.run, "answer": FuzzAnswer.run, "judge": FuzzJudge.run, "completion-reply": FuzzCompletionReply.run, "report": FuzzReport.run,
    ]

    /// A per-process scratch directory in /dev/shm (RAM), made once.
    static let dir: String = {
        let d = "/dev/shm/s1-fuzz-\(getpid())"
        mkdir(d, 0o700)
        return d
    }()

    /// Writes the input to `dir/name` and returns the path.
    @discardableResult
    static func file(_ b: UnsafeRawBufferPointer, _ name: String) -> String {
        let path = dir + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if fd >= 0 {
            if let p = b.baseAddress, b.count > 0 { _ = write(fd, p, b.count) }
            close(fd)
        }
        return path
    }

    /// Copies a real file (a seed model part) into the scratch directory once.
    static func copy(_ from: String, _ name: String) {
        let to = dir + "/" + name
        guard access(to, F_OK) != 0, let f = fopen(from, "rb") else { return }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        bytes.withUnsafeBytes { _ = file($0, name) }
    }

    /// The text of the input (invalid UTF-8 repaired, as the tools read it).
    static func text(_ b: UnsafeRawBufferPointer) -> String { String(decoding: b, as: UTF8.self) }
}
