/// Record input: the JSON scanner on its own, whole JSONL streams through the record reader (plain and
/// zstd, with the plain-text question rule and the rejects path), and CSV.
enum FuzzJSONScanner {
    static func run(_ b: UnsafeRawBufferPointer) {
        _ = try? JSONScanner.scanValue(b)
        guard let r = try? Record.parse(b) else { return }
        for m in r.root.members.prefix(32) { _ = m.value.scalarText; _ = m.value.int; _ = m.value.elements.count }
        r.set("fuzz", .int(1))
        _ = r.jsonBytes()
    }
}

enum FuzzRecordReader {
    static func run(_ b: UnsafeRawBufferPointer) {
        read(FuzzTargets.file(b, "in.jsonl"), plain: b.first.map { $0 & 1 == 0 } ?? false)
    }

    /// Reads every record as the tools do, skipping bad lines into a rejects sink.
    static func read(_ path: String, plain: Bool) {
        let tally = Tally(tool: "fuzz")
        guard let rejects = try? ByteSink(path: FuzzTargets.dir + "/rejects") else { return }
        let policy = BadLinePolicy(skipBad: true, rejects: rejects, tally: tally)
        let reader = RecordReader(paths: [path], policy: policy, maxLineBytes: 1 << 16)
        reader.plainTextQuestions = plain
        while let r = try? reader.next() {
            _ = r.string("question")
            _ = Grader.gold(r)
        }
        try? policy.close()
    }
}

enum FuzzZstd {
    static func run(_ b: UnsafeRawBufferPointer) {
        // A zstd frame header (so the input is decoded, not read as text) ahead of the fuzzed frame body;
        // inputs that start with a magic of their own are used as they are.
        let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]
        if b.count >= 4 && (Array(b.prefix(4)) == magic || b[1] == 0x2A) {
            FuzzRecordReader.read(FuzzTargets.file(b, "in.zst"), plain: false)
        } else {
            (magic + Array(b)).withUnsafeBytes { FuzzRecordReader.read(FuzzTargets.file($0, "in.zst"), plain: false) }
        }
    }
}

enum FuzzCSV {
    static func run(_ b: UnsafeRawBufferPointer) {
        let path = FuzzTargets.file(b, "in.csv")
        guard let src = try? InputOpener.open(path), let csv = try? CSVReader(src) else { return }
        var rows = 0
        while rows < 10_000, let r = try? csv.next() { _ = r.raw.count; rows += 1 }
    }
}
