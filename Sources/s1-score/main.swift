import ArgumentParser
import Foundation
import Shared

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s1-score",
        abstract: "Judge model outputs against gold answers without a language model (SPEC §7), or report the paper's metrics.",
        discussion: """
        Grading (default): each output gets `extracted` (the committed final answer) and `correct`; a run with \
        several samples gets a `majority` entry. --report prints accuracy per run (model × budget × waits), per \
        source_type, maj@k / cov@k, and Control / Scaling / Performance; --plot draws accuracy against mean \
        thinking tokens; --compare A,B reports model B against model A setting by setting; --loss-plot draws \
        s1-sft's training loss curve from its step log.
        """)

    @Flag(help: "Print the report instead of the graded records.")
    var report = false

    @Option(help: "Report format: markdown, json, or table3 (one row per length-control method: the paper's Table 3).")
    var format = "markdown"

    @Option(help: "SCC's Control proxy: thinking tokens per step of an SCC limit (the paper uses 100).")
    var tokensPerStep = 100

    @Option(help: "Also write the accuracy-vs-thinking-tokens plot to this SVG file.")
    var plot: String?

    @Option(help: "Report model B against model A at every setting both ran: A,B gives B − A with its paired 95% interval (the data ablation). Repeatable.")
    var compare: [String] = []

    @Option(help: "Read s1-sft's step log (not graded records), draw the loss against the step to this SVG file, and print a summary.")
    var lossPlot: String?

    @Argument(help: "Input files (stdin when none).")
    var inputs: [String] = []

    @OptionGroup var io: RecordIOOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard ["markdown", "json", "table3"].contains(format) else { throw ValidationError("--format is markdown, json or table3") }
        guard (1...1_000_000).contains(tokensPerStep) else { throw ValidationError("--tokens-per-step must be between 1 and 1000000") }
        for c in compare where pair(c) == nil { throw ValidationError("--compare \(c): give two different model tags, A,B") }
        if lossPlot != nil && (report || plot != nil || !compare.isEmpty) { throw ValidationError("--loss-plot reads a training log: it does not combine with --report, --plot or --compare") }
    }

    func pair(_ c: String) -> (String, String)? {
        let p = c.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        return p.count == 2 && !p[0].isEmpty && !p[1].isEmpty && p[0] != p[1] ? (p[0], p[1]) : nil
    }

    /// --loss-plot: the step log in, the SVG and a one-line summary out.
    func plotLoss(_ path: String, _ tally: Tally) throws {
        let (reader, _, policy) = try io.open(inputs: inputs, tally: tally)
        var curve = LossCurve()
        while let r = try reader.next() {
            do { try curve.add(r) } catch let e as InputError { try policy.reject(e, record: r); continue }
            tally.written += 1
        }
        try policy.close()
        guard !curve.steps.isEmpty else { throw InputError(inputs.first ?? "stdin", "no training steps to plot") }
        do { try curve.svg().write(toFile: path, atomically: true, encoding: .utf8) } catch { throw IOFailure("\(path): \(error.localizedDescription)") }
        print("loss curve: \(curve.summary) → \(path)")
    }

    func run() throws {
        let tally = Tally(tool: "s1-score")
        try ToolMain.run(tally) {
            if let lossPlot { return try plotLoss(lossPlot, tally) }
            let (reader, writer, policy) = try io.open(inputs: inputs, tally: tally)
            reader.shard = sharding.value
            var rep = Report(tokensPerStep: tokensPerStep)
            rep.comparisons = compare.compactMap(pair)
            let summarizing = report || plot != nil
            while let r = try reader.next() {
                do {
                    try Grader.grade(r)
                    if summarizing { try rep.add(r) }
                } catch let e as InputError {
                    try policy.reject(e, record: r)
                    continue
                }
                if report { tally.written += 1 } else { try writer.write(r) }
            }
            if !report { try writer.close() }
            try policy.close()
            if let plot {
                do { try rep.svg().write(toFile: plot, atomically: true, encoding: .utf8) } catch { throw IOFailure("\(plot): \(error.localizedDescription)") }
            }
            if report {
                let text = switch format {
                case "json": String(decoding: rep.json().bytes, as: UTF8.self) + "\n"
                case "table3": MethodTable(rep).markdown()
                default: rep.markdown()
                }
                if let out = io.output { try text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
            }
        }
    }
}

Score.main()
