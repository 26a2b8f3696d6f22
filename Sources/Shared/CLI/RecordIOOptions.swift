import ArgumentParser
import Foundation

/// The options every record-processing tool shares: where output goes and the bad-input policy (SPEC §2).
public struct RecordIOOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Write records to this file instead of stdout (zstd when it ends in .zst).")
    public var output: String?

    @Flag(help: "Skip lines that are not JSON objects instead of stopping with exit status 65.")
    public var skipBad = false

    @Option(help: "With --skip-bad: write each skipped line, unchanged, to this file.")
    public var rejects: String?

    @Option(help: "Longest accepted input line in bytes; longer lines are bad input.")
    public var maxLineBytes: Int = 256 << 20

    /// Set by a tool that resumes into its own output (s1-think `--skip-ids F -o F`): -o then appends.
    public var appendOutput = false

    public init() {}

    /// Whether `path` names the same file as -o (both resolved; the output need not exist yet).
    public func isOutput(_ path: String) -> Bool {
        guard let output, output != "-" else { return false }
        func resolved(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolved(path) == resolved(output)
    }

    public func validate() throws {
        if rejects != nil && !skipBad { throw ValidationError("--rejects needs --skip-bad") }
        if maxLineBytes < 16 || maxLineBytes > 1 << 40 { throw ValidationError("--max-line-bytes must be between 16 and 2^40") }
    }

    /// The reader, writer and policy for one run, sharing one tally.
    public func open(inputs: [String], tally: Tally) throws -> (RecordReader, RecordWriter, BadLinePolicy) {
        let (writer, policy) = try openOutput(tally: tally)
        return (RecordReader(paths: inputs, policy: policy, maxLineBytes: maxLineBytes), writer, policy)
    }

    /// The writer and bad-input policy alone (a tool that reads its own kind of sources).
    public func openOutput(tally: Tally) throws -> (RecordWriter, BadLinePolicy) {
        let policy = BadLinePolicy(skipBad: skipBad, rejects: try rejects.map { try ByteSink(path: $0) }, tally: tally)
        let sink = try output.map { appendOutput && $0 != "-" ? try ByteSink(appendingTo: $0) : try ByteSink(path: $0) } ?? .stdout()
        return (RecordWriter(sink: sink, tally: tally), policy)
    }
}

/// `--shard K/N` (s1-think, s1-score, s1-filter): this run takes the records whose `id` hashes to shard K of N.
public struct ShardOptions: ParsableArguments {
    @Option(help: "Take only the records whose `id` hashes to shard K of N (K = 0…N−1); `s1-filter merge` puts the shards' outputs back in order.")
    public var shard: String?

    public init() {}

    public func validate() throws {
        if let s = shard, Shard(s) == nil { throw ValidationError("--shard is K/N with 0 ≤ K < N") }
    }

    public var value: Shard? { shard.flatMap(Shard.init) }
}

/// Runs a tool body with the project's exit-status convention: 65 for bad input (located), 64 for
/// usage, 74 for I/O failures, 70 for a training run that cannot go on, 69 for a server that cannot be used, and always the stderr summary
/// of what was read, written and dropped.
public enum ToolMain {
    /// `summarize: false` for a preparation step (loading reference sets) whose counts the main pass reports.
    public static func run(_ tally: Tally, summarize: Bool = true, _ body: () throws -> Void) throws {
        signal(SIGPIPE, SIG_IGN)
        do {
            try body()
            if summarize { tally.printSummary() }
        } catch let e as InputError {
            if summarize { tally.printSummary() }
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(65)
        } catch let e as ModelFileError {
            if summarize { tally.printSummary() }
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(65)
        } catch let e as UsageError {
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(64)
        } catch let e as IOFailure {
            if summarize { tally.printSummary() }
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(74)
        } catch let e as TrainingFailure {
            if summarize { tally.printSummary() }
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(70)
        } catch let e as EndpointError {
            if summarize { tally.printSummary() }
            Log.line("\(tally.tool): error: \(e)")
            throw ExitCode(69)
        }
    }

    /// Reads every record, lets `transform` keep (return it, possibly changed) or drop (return nil, after
    /// counting the reason in the tally) each, and writes the kept ones in order.
    public static func filter(_ io: RecordIOOptions, inputs: [String], shard: Shard? = nil, tally: Tally,
                              _ transform: (Record) throws -> Record?) throws {
        try run(tally) {
            let (reader, writer, policy) = try io.open(inputs: inputs, tally: tally)
            reader.shard = shard
            while let r = try reader.next() {
                if let kept = try transform(r) { try writer.write(kept) }
            }
            try writer.close()
            try policy.close()
        }
    }
}
