import Foundation
import Testing
import Shared

/// The Table 3 rows (`s1-score --report --format table3`): one row per method in the paper's order, each
/// row's settings in limit order, Performance with the interval of its best run, SCC's Control on the
/// configured tokens-per-step proxy.
@Suite struct MethodTableTests {
    /// One record per problem; `outs` gives each output's JSON members (model, control, …) and whether it is correct.
    static func report(_ n: Int, tokensPerStep: Int = 100, _ outs: [(String, (Int) -> Bool)]) throws -> Report {
        var rep = Report(tokensPerStep: tokensPerStep)
        for i in 0..<n {
            let o = outs.map { m, ok in "{\(m),\"correct\":\(ok(i)),\"extracted\":\"1\"}" }
            let line = #"{"id":"p\#(i)","answer":"1","outputs":[\#(o.joined(separator: ","))]}"#
            try rep.add(Array(line.utf8).withUnsafeBytes { try Record.parse($0) })
        }
        return rep
    }

    @Test func rowsFollowThePapersOrderWithTheBestRunsInterval() throws {
        let rep = try Self.report(40, tokensPerStep: 10, [
            (#""model":"s","control":"steps:4","budget":"auto","thinking_tokens":30"#, { $0 % 4 == 0 }),      // limit 40: within
            (#""model":"s","control":"steps:2","budget":"auto","thinking_tokens":30"#, { $0 % 8 == 0 }),      // limit 20: over
            (#""model":"t","control":"tokens:128","budget":"auto","thinking_tokens":100"#, { $0 % 2 == 0 }),
            (#""model":"t","control":"tokens:32","budget":"auto","thinking_tokens":20"#, { $0 % 5 == 0 }),
            (#""model":"b","max_thinking_tokens":64,"thinking_tokens":60"#, { _ in true }),
            (#""model":"b","max_thinking_tokens":16,"thinking_tokens":16"#, { $0 < 10 }),
            (#""model":"b","control":"class:short","budget":"auto","thinking_tokens":5"#, { _ in false }),
            (#""model":"b","reject_over":64,"thinking_tokens":50"#, { $0 < 20 }),
        ])
        let t = MethodTable(rep)
        #expect(t.rows.map(\.group) == ["b", "t · TCC", "s · SCC", "b · CCC", "b · RS"])
        let tcc = t.rows[1]
        #expect(tcc.settings == ["32", "128"] && tcc.performance == 0.5 && tcc.control == 1)
        // Performance's interval is the 128-token run's: 20 of 40 correct.
        let (lo, hi) = try #require(tcc.performanceInterval)
        #expect(lo < 0.5 && hi > 0.5 && lo > 0.3 && hi < 0.7, "[\(lo), \(hi)]")
        // SCC at 10 tokens per step: steps:2 allows 20 tokens and used 30; steps:4 allows 40.
        #expect(t.rows[2].control == 0.5 && t.rows[2].settings == ["2", "4"])
        #expect(t.rows[3].control == nil && t.rows[3].settings == ["short"])
        #expect(t.rows[0].settings == ["16", "64"] && t.rows[0].performance == 1)
        // Scaling of BF: 25 % → 100 % over 44 tokens = 1.705 per token·1000 → 170.5 points per 1,000 tokens.
        #expect(abs(try #require(t.rows[0].scaling) - 0.75 / 44 * 1000) < 1e-9)
        let md = t.markdown()
        #expect(md.contains("| t · TCC | 100.0% |") && md.contains("SCC's N at 10 tokens per step") && md.contains("| b · RS |"))
        let json = String(decoding: rep.json().bytes, as: UTF8.self)
        #expect(json.contains(#""method":"SCC""#) && json.contains("performance_ci95"))
        // The default proxy (100 per step) puts both SCC runs within their limits.
        let loose = try Self.report(4, [(#""model":"s","control":"steps:2","budget":"auto","thinking_tokens":30"#, { _ in true })])
        #expect(MethodTable(loose).rows[0].control == 1)
    }

    @Test func budgetForcedControlsAreTheirOwnRowsWithTheTighterLimit() throws {
        let rep = try Self.report(10, [
            (#""model":"t","control":"tokens:64","budget":"given","max_thinking_tokens":32,"thinking_tokens":40"#, { _ in true }),
            (#""model":"t","control":"tokens:64","budget":"auto","thinking_tokens":40"#, { _ in false }),
        ])
        let t = MethodTable(rep)
        #expect(t.rows.map(\.group) == ["t · TCC", "t · TCC+BF"])
        #expect(t.rows[1].settings == ["64@32"] && t.rows[1].control == 0 && t.rows[0].control == 1)
    }
}
