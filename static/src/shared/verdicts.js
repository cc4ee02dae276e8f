// What the judge's verdicts mean, in words (challenges/judge: AC, WA, TLE, MLE, OLE, RE, CE, IE).
export const VERDICT_LABELS = {
  AC: "Accepted", WA: "Wrong answer", TLE: "Time limit exceeded", MLE: "Memory limit exceeded",
  OLE: "Output limit exceeded", RE: "Runtime error", CE: "Compilation error", IE: "Internal error",
};

export function verdictLabel(verdict) {
  return VERDICT_LABELS[verdict] || verdict || "";
}

// A run on your own input has nothing to be compared with: success is "Finished", whether the
// runner calls it AC (challenge page) or OK (rooms).
export function runVerdictLabel(verdict) {
  return !verdict || verdict === "AC" || verdict === "OK" ? "Finished" : verdictLabel(verdict);
}
