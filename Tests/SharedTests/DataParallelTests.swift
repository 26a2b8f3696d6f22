import Foundation
import Testing
import Shared

/// Data-parallel s1-sft under Open MPI (`mpirun -np 2 --oversubscribe`, loopback): the 2-rank loss curve is
/// the 1-process curve, a resume under mpirun continues it, and a killed rank ends the job on every rank.
@Suite(.serialized) struct DataParallelTests {
    static let recipe = ["--epochs", "2", "--batch-size", "4", "--lr", "1e-3", "--warmup-ratio", "0", "--threads", "1"]

    /// Runs `mpirun -np N --oversubscribe s1-sft ARGS` (as root, with Open MPI's two consent variables).
    static func mpi(_ ranks: Int, _ tool: [String]) throws -> Support.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        p.arguments = ["-np", "\(ranks)", "--oversubscribe", Support.binDir + "/s1-sft"] + tool
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"; env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err; p.standardInput = FileHandle.nullDevice
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let e = Box(), done = DispatchSemaphore(value: 0)
        Thread { e.data = err.fileHandleForReading.readDataToEndOfFile(); done.signal() }.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit(); done.wait()
        return Support.Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e.data, as: UTF8.self))
    }

    static func steps(_ r: Support.Run) -> [(loss: Double, lr: Double, norm: Double)] {
        Support.objects(r.stdout).map { ($0["loss"] as! Double, $0["lr"] as! Double, $0["grad_norm"] as! Double) }
    }

    static func expectSameCurve(_ a: [(loss: Double, lr: Double, norm: Double)], _ b: [(loss: Double, lr: Double, norm: Double)],
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count && !a.isEmpty, "\(a.count) vs \(b.count) steps", sourceLocation: sourceLocation)
        for (i, (x, y)) in zip(a, b).enumerated() {
            #expect(abs(x.loss - y.loss) <= 1e-6 * abs(y.loss), "step \(i + 1): loss \(x.loss) vs \(y.loss)", sourceLocation: sourceLocation)
            #expect(x.lr == y.lr, "step \(i + 1): lr", sourceLocation: sourceLocation)
            #expect(abs(x.norm - y.norm) <= 1e-6 * abs(y.norm), "step \(i + 1): grad_norm \(x.norm) vs \(y.norm)", sourceLocation: sourceLocation)
        }
    }

    @Test func theBatchIsSharedOutByLengthTheSameWayEveryTime() {
        let shares = DataParallel.shares([5, 9, 1, 9, 3], parts: 2)
        #expect(shares == [[1, 0], [3, 4, 2]])   // 9→0, 9→1, 5→0 (14), 3→1 (12), 1→1 (13)
        #expect(DataParallel.shares([], parts: 3) == [[], [], []])
        #expect(Set(DataParallel.shares([4, 4, 4], parts: 5).joined()) == [0, 1, 2])
    }

    @Test func twoRanksFollowTheOneProcessLossCurveAndResumeOnIt() throws {
        let d = Support.tempDir()
        let one = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/one"] + Self.recipe + [Support.fixture("engine/sft-train.jsonl")])
        try #require(one.status == 0, "\(one.stderr)")
        let tool = ["--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/two"] + Self.recipe + [Support.fixture("engine/sft-train.jsonl")]
        let two = try Self.mpi(2, tool)
        try #require(two.status == 0, "\(two.stderr)")
        #expect(two.stderr.contains("2 ranks"))
        Self.expectSameCurve(Self.steps(two), Self.steps(one))
        // Stopped after step 1 and resumed, both under mpirun: the same curve.
        let first = try Self.mpi(2, tool.map { $0 == d + "/two" ? d + "/part" : $0 } + ["--stop-after", "1"])
        let rest = try Self.mpi(2, tool.map { $0 == d + "/two" ? d + "/part" : $0 } + ["--resume"])
        #expect(first.status == 0 && rest.status == 0 && rest.stderr.contains("resuming at step 2"), "\(rest.stderr)")
        Self.expectSameCurve(Self.steps(first) + Self.steps(rest), Self.steps(one))
    }

    @Test func aKilledRankEndsTheJobOnEveryRankWithinSeconds() throws {
        let d = Support.tempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        p.arguments = ["-np", "2", "--oversubscribe", Support.binDir + "/s1-sft", "--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/ckpt",
                       "--epochs", "100000", "--batch-size", "4", "--lr", "1e-5", "--save-every", "100", "--threads", "1", Support.fixture("engine/sft-train.jsonl")]
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"; env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        p.environment = env
        let err = Pipe()
        p.standardError = err; p.standardOutput = FileHandle.nullDevice; p.standardInput = FileHandle.nullDevice
        try p.run()
        // Wait for the first checkpoint, then kill one rank's process.
        var waited = 0.0
        while !FileManager.default.fileExists(atPath: d + "/ckpt/trainer_state.json") && waited < 60 { Thread.sleep(forTimeInterval: 0.1); waited += 0.1 }
        let pg = Process()
        pg.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        pg.arguments = ["-f", Support.binDir + "/s1-sft .*" + d + "/ckpt"]
        let pgOut = Pipe()
        pg.standardOutput = pgOut
        try pg.run(); pg.waitUntilExit()
        let ranks = String(decoding: pgOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").compactMap { Int32($0) }.filter { $0 != p.processIdentifier }
        try #require(ranks.count >= 2, "ranks: \(ranks)")
        let t0 = Date()
        kill(ranks.max()!, SIGKILL)
        p.waitUntilExit()
        let took = Date().timeIntervalSince(t0)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus != 0 && took < 30, "status \(p.terminationStatus) after \(took) s")
        #expect(stderr.contains("the job was stopped") || stderr.contains("exited on signal 9"), "\(stderr)")
        // A complete checkpoint survives the kill (recovered from its temporary name if the kill hit a save).
        try CheckpointRecovery.recover(d + "/ckpt")
        #expect((CheckpointRecovery.completeStep(d + "/ckpt") ?? 0) >= 100)
    }
}
