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

// The judge reports no memory when it could not measure it (a run killed at the wall clock
// without its helper): a dash, as on the submission page, never "0.0 MiB".
export function memoryLabel(bytes) {
  return bytes === null || bytes === undefined ? "–" : `${(bytes / 1048576).toFixed(1)} MiB`;
}
