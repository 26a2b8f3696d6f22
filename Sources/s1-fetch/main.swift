import ArgumentParser
import Foundation
import Shared

struct Fetch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-fetch",
        abstract: "Load question sources, map them to s1 records (id, question, solution, answer, source_type, cot_type, metadata), drop duplicate questions.",
        discussion: """
        SOURCE is a path (.jsonl, .json, .csv, optionally .zst), an http(s) URL (cached under $XDG_CACHE_HOME/s1), \
        hf:OWNER/NAME:CONFIG:SPLIT (the Hugging Face row API), or a named source: \
        \(SourceResolver.named.map(\.name).joined(separator: ", ")). Named sources are read from --data-dir when it holds them.
        Row formats are detected per row: \(RowFormats.all.map { $0.name }.joined(separator: ", ")).
        """)

    @Argument(help: "Sources to read, in order (stdin when none).")
    var sources: [String] = []

    @Option(help: "A local copy of the public data sets for named sources (default: $S1_DATA_DIR).")
    var dataDir: String?

    @Flag(help: "Never use the network: URLs and named sources must be in the cache or --data-dir.")
    var offline = false

    @Option(help: "Seed for shuffled multiple-choice options (GPQA).")
    var seed: UInt64 = 0

    @Option(help: "Force one row format instead of detecting it.")
    var format: String?

    @Option(help: "Set source_type on every record instead of deriving it.")
    var sourceType: String?

    @OptionGroup var io: RecordIOOptions

    func run() throws {
        let tally = Tally(tool: "s1-fetch")
        try ToolMain.run(tally) {
            var forced: RowFormat.Type? = nil
            if let f = format {
                guard let t = RowFormats.named(f) else {
                    throw UsageError("unknown --format \(f) (known: \(RowFormats.all.map { $0.name }.joined(separator: ", ")))")
                }
                forced = t
            }
            let (writer, policy) = try io.openOutput(tally: tally)
            let resolver = SourceResolver(dataDir: dataDir ?? ProcessInfo.processInfo.environment["S1_DATA_DIR"], offline: offline)
            try Fetcher(resolver: resolver, seed: seed, format: forced, sourceType: sourceType)
                .run(sources: sources, writer: writer, policy: policy, maxLineBytes: io.maxLineBytes)
        }
    }
}

Fetch.main()
