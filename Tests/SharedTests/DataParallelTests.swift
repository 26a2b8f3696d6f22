import Foundation
import Testing
import Shared

/// Data-parallel s1-sft under Open MPI (`mpirun -np 2 --oversubscribe`, loopback): the 2-rank loss curve is
/// the 1-process curve, a resume under mpirun continues it, and a killed rank ends the job on every rank.
@Suite(.serialized) struct DataParallelTests {
    static let recipe = ["--epochs", "2", "--batch-size", "4", "--lr", "1e-3", "--warmup-ratio", "0", "--threads", "1"]

    /// Runs `mpirun -np N --oversubscribe TOOL ARGS` (as root, with Open MPI's two consent variables).
    static func mpi(_ ranks: Int, _ tool: [String], program: String = "s1-sft") throws -> Support.Run {
        try Support.exec("/usr/bin/mpirun", ["-np", "\(ranks)", "--oversubscribe", Support.binDir + "/" + program] + tool, env: rootConsent)
    }

    static let rootConsent = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]

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

    @Test func thinkUnderMpirunShardsByRankAndRankZeroWritesTheInputOrder() throws {
        let d = Support.tempDir(), input = d + "/in.jsonl"
        Support.write(input, (1...10).map { #"{"id":"q\#($0)","question":"\#($0)*3?"}"# }.joined(separator: "\n") + "\n")
        let args = ["--model", Support.fixture("engine/tiny-qwen2"), "--max-thinking-tokens", "5", "--max-answer-tokens", "3", "--threads", "1"]
        let one = try Support.run("s1-think", args + [input])
        try #require(one.status == 0, "\(one.stderr)")
        let two = try Self.mpi(2, args + ["-o", d + "/out.jsonl", input], program: "s1-think")
        #expect(two.status == 0 && two.stderr.contains("merged 2 ranks"), "\(two.stderr)")
        #expect(ShardTests.withoutTimings(Support.read(d + "/out.jsonl")) == ShardTests.withoutTimings(one.stdout))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["in.jsonl", "out.jsonl"])
    }

    @Test func aKilledRankEndsTheJobOnEveryRankWithinSeconds() throws {
        let d = Support.tempDir()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        p.arguments = ["-np", "2", "--oversubscribe", Support.binDir + "/s1-sft", "--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/ckpt",
                       "--epochs", "100000", "--batch-size", "4", "--lr", "1e-5", "--save-every", "100", "--threads", "1", Support.fixture("engine/sft-train.jsonl")]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in Self.rootConsent { env[k] = v }
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

    /// Two "hosts": network namespaces joined by a veth pair, an rsh agent that enters the namespace of the
    /// host it is asked for, and MPI traffic confined to the veth subnet; the curve is the 1-process curve
    /// and the bytes really crossed the interface.
    @Test(.enabled(if: getuid() == 0 && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"))))
    func twoRanksInTwoNetworkNamespacesFollowTheSameCurve() throws {
        let ip = FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip"
        let tag = "s1t\(getpid() % 10000)", a = tag + "a", b = tag + "b"
        func sh(_ args: [String]) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ip)
            p.arguments = args
            try p.run(); p.waitUntilExit()
            return p.terminationStatus
        }
        defer { _ = try? sh(["netns", "del", a]); _ = try? sh(["netns", "del", b]) }
        for cmd in [["netns", "add", a], ["netns", "add", b], ["link", "add", a + "v", "type", "veth", "peer", "name", b + "v"],
                    ["link", "set", a + "v", "netns", a], ["link", "set", b + "v", "netns", b],
                    ["-n", a, "addr", "add", "10.78.0.1/24", "dev", a + "v"], ["-n", b, "addr", "add", "10.78.0.2/24", "dev", b + "v"],
                    ["-n", a, "link", "set", "lo", "up"], ["-n", b, "link", "set", "lo", "up"],
                    ["-n", a, "link", "set", a + "v", "up"], ["-n", b, "link", "set", b + "v", "up"]] {
            try #require(try sh(cmd) == 0, "ip \(cmd.joined(separator: " "))")
        }
        let d = Support.tempDir(), agent = d + "/nsrsh"
        Support.write(agent, """
            #!/bin/sh
            host=$1; shift
            case $host in 10.78.0.1) ns=\(a) ;; 10.78.0.2) ns=\(b) ;; *) echo "nsrsh: unknown host $host" >&2; exit 1 ;; esac
            exec \(ip) netns exec $ns sh -c "$*"
            """)
        chmod(agent, 0o755)
        let one = try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/one"] + Self.recipe + [Support.fixture("engine/sft-train.jsonl")])
        try #require(one.status == 0, "\(one.stderr)")
        func rxBytes() throws -> Int {
            let p = Process(), out = Pipe()
            p.executableURL = URL(fileURLWithPath: ip)
            p.arguments = ["-n", b, "-s", "-o", "link", "show", b + "v"]
            p.standardOutput = out
            try p.run(); p.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let fields = text.components(separatedBy: "RX:").last?.components(separatedBy: "\\").dropFirst().first?.split(separator: " ") ?? []
            return fields.first.flatMap { Int($0) } ?? 0
        }
        let before = try rxBytes()
        // mpirun runs inside the first namespace, so 10.78.0.1 is local and 10.78.0.2 goes through the agent.
        let two = try Support.exec(ip, ["netns", "exec", a, "/usr/bin/mpirun", "--host", "10.78.0.1,10.78.0.2", "-np", "2",
                       "--mca", "plm_rsh_agent", agent, "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "10.78.0.0/24",
                       "--mca", "oob_tcp_if_include", "10.78.0.0/24", "-x", "OMPI_ALLOW_RUN_AS_ROOT", "-x", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM",
                       Support.binDir + "/s1-sft", "--model", Support.fixture("engine/tiny-qwen2"), "--out", d + "/two"] + Self.recipe + [Support.fixture("engine/sft-train.jsonl")],
                       env: Self.rootConsent)
        try #require(two.status == 0, "\(two.stderr)")
        Self.expectSameCurve(Self.steps(two), Self.steps(one))
        let crossed = try rxBytes() - before
        #expect(crossed > 100_000, "\(crossed) bytes received on \(b)v")
    }
}
