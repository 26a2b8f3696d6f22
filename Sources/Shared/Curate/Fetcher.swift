/// s1-fetch's work: every row of every source mapped to a §2 record, exact duplicate questions dropped
/// (across all sources of the run), counts kept per source.
public final class Fetcher {
    public struct SourceCount { public var name: String; public var read = 0; public var written = 0; public var duplicates = 0; public var formats: [String: Int] = [:] }

    public let resolver: SourceResolver
    public let seed: UInt64
    public let forcedFormat: RowFormat.Type?
    public let sourceTypeOverride: String?
    public private(set) var counts: [SourceCount] = []
    /// Full SHA-256 of every question written so far: 32 bytes a record, so millions of rows fit.
    private var seen = Set<[UInt8]>()

    public init(resolver: SourceResolver, seed: UInt64, format: RowFormat.Type?, sourceType: String?) {
        self.resolver = resolver
        self.seed = seed
        forcedFormat = format
        sourceTypeOverride = sourceType
    }

    public func run(sources: [String], writer: RecordWriter, policy: BadLinePolicy, maxLineBytes: Int) throws {
        let tally = policy.tally
        for spec in sources.isEmpty ? ["-"] : sources {
            let r = try resolver.resolve(spec)
            var count = SourceCount(name: r.display)
            let rows = try SourceRows(path: r.path, display: r.display, policy: policy, maxLineBytes: maxLineBytes)
            let ctx = RowContext(stem: SourceNaming.stem(r.path),
                                 pathSourceType: sourceTypeOverride ?? r.sourceType ?? SourceNaming.sourceType(forPath: r.path),
                                 seed: seed)
            let before = tally.read
            while let (row, line) = try rows.next() {
                if !rows.countsOwnReads { tally.read += 1 }
                guard let format = forcedFormat ?? RowFormats.detect(row.root) else {
                    try policy.reject(InputError(r.display, line: line, "row has no question field (keys: \(row.keys.prefix(8).joined(separator: ", ")))"), raw: row.raw)
                    continue
                }
                guard var m = format.map(row.root, ctx) else {
                    try policy.reject(InputError(r.display, line: line, "\(format.name) row lacks a question or its gold answer"), raw: row.raw)
                    continue
                }
                if let st = sourceTypeOverride { m.sourceType = st }
                count.formats[format.name, default: 0] += 1
                let digest = SHA256.hash(m.question.utf8)
                if !seen.insert(digest).inserted {
                    count.duplicates += 1
                    tally.drop("duplicate question")
                    continue
                }
                try writer.write(m.record(source: r.display, line: line, digest: digest))
                count.written += 1
            }
            count.read = tally.read - before
            counts.append(count)
            let fm = count.formats.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Log.line("s1-fetch: \(r.display): \(count.read) rows (\(fm)), \(count.written) written, \(count.duplicates) duplicates")
        }
        try writer.close()
        try policy.close()
    }
}
