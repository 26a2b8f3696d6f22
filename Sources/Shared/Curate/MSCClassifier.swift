import Foundation

/// Assigns an MSC 2020 top-level subject to a question, locally (s1 asked Claude; we score keywords).
/// Each subject has cue phrases; a question's score for a subject is the summed weight of the cues it
/// contains (longer phrases weigh more), plus a prior from the source's own subject label (MATH's
/// `subject`, OlympiadBench's `subfield`, CHAMP's `category`) when the row has one. The best score wins;
/// with no cue at all the record gets a fallback by `cot_type`. With `--msc FILE` (s1's msc.json) every
/// subject's official description phrases are added as cues.
public struct MSCClassifier {
    public struct Subject {
        public let code: String
        public let title: String
        public var cues: [String]
    }

    public private(set) var subjects: [Subject]

    public init(mscJSON: String? = nil) throws {
        subjects = Self.builtin.map { Subject(code: $0.0, title: $0.1, cues: $0.2) }
        if let path = mscJSON {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw InputError(path, "expected a list of {code, title, descriptions}")
            }
            for entry in list {
                guard let code = entry["code"] as? String, let title = entry["title"] as? String else { continue }
                let descs = (entry["descriptions"] as? [String] ?? []).map { $0.lowercased().trimmed }
                    .filter { $0.count >= 6 && !$0.contains("general") && !$0.contains("historical") }
                if let i = subjects.firstIndex(where: { $0.code == code }) {
                    subjects[i].cues += descs
                } else {
                    subjects.append(Subject(code: code, title: title, cues: descs))
                }
            }
        }
    }

    /// Title of the best subject for the text, given an optional source subject label and cot_type.
    public func classify(_ text: String, sourceSubject: String?, cotType: String?) -> String {
        let t = " " + text.lowercased() + " "
        var best: (score: Double, idx: Int)? = nil
        let prior = sourceSubject.flatMap(Self.priorCode)
        for (i, s) in subjects.enumerated() {
            var score = 0.0
            for cue in s.cues where t.contains(cue) {
                score += 1.0 + Double(cue.split(separator: " ").count - 1) * 0.5
            }
            if prior == s.code { score += 3 }
            if score > 0 && (best == nil || score > best!.score) { best = (score, i) }
        }
        if let b = best { return subjects[b.idx].title }
        switch cotType ?? "math" {
        case "science": return title("92")
        case "english": return title("03")
        case "coding": return title("68")
        default: return title("97")
        }
    }

    func title(_ code: String) -> String { subjects.first { $0.code == code }?.title ?? code }

    /// Source subject labels mapped to the MSC subject they mostly are.
    static func priorCode(_ label: String) -> String? {
        let l = label.lowercased()
        let table: [(String, String)] = [
            ("number theory", "11"), ("probability", "60"), ("counting", "05"), ("combinator", "05"),
            ("geometry", "51"), ("precalculus", "26"), ("intermediate algebra", "12"), ("polynomial", "12"),
            ("inequalit", "26"), ("sequence", "40"), ("prealgebra", "97"), ("algebra", "12"),
            ("calculus", "26"), ("statistic", "62"), ("physics", "70"), ("astronomy", "85"),
            ("chemistry", "92"), ("biology", "92"),
        ]
        return table.first { l.contains($0.0) }?.1
    }

    /// Cue phrases (lower case, matched as substrings of the padded, lower-cased question; a leading or
    /// trailing space anchors a cue to a word boundary).
    static let builtin: [(String, String, [String])] = [
        ("03", "Mathematical logic and foundations", [" logically", "conclusion", " premise", " argument ", "must be true", "could be true", "must be false", " assumption", "inference", "knights", "liars", "truth-teller", "if and only if", "which one of the following"]),
        ("05", "Combinatorics", ["how many ways", "number of ways", "arrangement", "permutation", "combination", " choose ", "committee", "subsets", " graph", "coloring", "colour", "pigeonhole", "tournament", "strings of length", "binomial coefficient", "distinct ways", "lattice path", "how many different"]),
        ("11", "Number theory", [" prime", "divisible", "divisor", "remainder", "modulo", " mod ", " gcd", "greatest common divisor", " lcm", "least common multiple", "integer solutions", " digits", " digit ", " base ", "congruen", "factorial", "perfect square", "relatively prime", "positive integers n", "integer n"]),
        ("12", "Field theory and polynomials", ["polynomial", " roots", " root of", "quadratic", "cubic", "coefficient", "zeros of", "vieta"]),
        ("15", "Linear and multilinear algebra; matrix theory", ["matrix", "matrices", "determinant", "eigenvalue", "eigenvector", "linear transformation", "vector space"]),
        ("20", "Group theory and generalizations", [" group ", "subgroup", "isomorphi", "homomorphi", "abelian"]),
        ("26", "Real functions", [" f(x)", "function", "inequality", "maximum value", "minimum value", "derivative", "logarithm", " log", "exponential", "increasing", "decreasing", " domain of", "range of"]),
        ("28", "Measure and integration", ["integral", "\\int", "integrate", "measure zero", "lebesgue"]),
        ("30", "Functions of a complex variable", ["complex number", "imaginary", " z^", "|z", "analytic function", "residue"]),
        ("34", "Ordinary differential equations", ["differential equation", "dy/dx", "y'' ", "initial value problem"]),
        ("39", "Difference and functional equations", ["functional equation", "f(f(", "for all real numbers x", "recurrence", "recursive"]),
        ("40", "Sequences, series, summability", ["sequence", "series", "arithmetic progression", "geometric progression", "sum of the first", " converge", " terms"]),
        ("51", "Geometry", ["triangle", "circle", " angle", "polygon", " square ", "rectangle", " area", "perimeter", "radius", "diameter", "tangent", "hexagon", "trapezoid", "parallelogram", "perpendicular", "midpoint", "inscribed", "circumcircle", "chord", "sphere", " cube", " cone", "cylinder", "volume", "tetrahedron", "pyramid", "\\triangle", "\\angle", "pentagon"]),
        ("52", "Convex and discrete geometry", ["convex", "polytope", "lattice points", "tiling", "tiles"]),
        ("60", "Probability theory and stochastic processes", ["probability", "random", "expected value", "expected number", " dice", " die ", " coin", "independently", "markov"]),
        ("62", "Statistics", [" mean ", " median", "standard deviation", "variance", "data set", "survey", "sample of", "regression", "scatterplot"]),
        ("68", "Computer science", ["algorithm", "program", "source code", "time complexity", "binary tree", "compute the output", "python", "runtime"]),
        ("70", "Mechanics of particles and systems", ["velocity", "acceleration", " force", " mass ", "friction", "momentum", "projectile", "kinetic energy", "spring constant", "pendulum", "torque", "newton"]),
        ("76", "Fluid mechanics", ["fluid", "viscosity", "pressure drop", "flow rate", "buoyan"]),
        ("78", "Optics, electromagnetic theory", ["electric", "magnetic", " charge", "capacitor", " current", "voltage", " lens", "wavelength", "refraction", "electromagnetic", "resistor", "photon"]),
        ("80", "Classical thermodynamics, heat transfer", ["temperature", " heat", "entropy", "thermal", "ideal gas", "kelvin", "adiabatic"]),
        ("81", "Quantum theory", ["quantum", "electron", " spin", "hamiltonian", "wavefunction", "wave function", "orbital", "planck"]),
        ("82", "Statistical mechanics, structure of matter", ["partition function", "boltzmann", "crystal", "molecule", "lattice constant"]),
        ("83", "Relativity and gravitational theory", ["relativistic", "speed of light", "spacetime", "lorentz", "black hole"]),
        ("85", "Astronomy and astrophysics", [" star", "planet", "galaxy", "telescope", " orbit", "solar", "luminosity", "redshift", "parallax"]),
        ("90", "Operations research, mathematical programming", ["linear programming", "minimize the cost", "maximize the profit", "optimal schedule", "shortest path"]),
        ("91", "Game theory, economics, social and behavioral sciences", [" game", " player", "strategy", "profit", " price", "economic", "interest rate", " wins"]),
        ("92", "Biology and other natural sciences", [" cell", "protein", " gene", " dna", "enzyme", "organism", "species", "biolog", "chemical", "reaction", " mol ", "acid", " ion", "compound"]),
        ("94", "Information and communication, circuits", ["signal", "bits", " channel", "encoding", "information theory", "entropy of"]),
        ("97", "Mathematics education", ["dollars", "how much money", "each week", "per hour", "minutes", " apples", " students"]),
    ]
}
