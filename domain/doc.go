// Package domain is accord's pure core: the event catalogue, the commands,
// the alliance state, and the two functions every other package folds and
// decides with.
//
//   - Decide(state, meta, command) validates a command against the state and
//     returns the events that record it, or an *Error whose Kind says why not.
//   - Evolve(state, event) applies one recorded fact; it never fails.
//   - DeriveOutcome re-derives a vote's VotingClosed from the state with the
//     decision rules of docs/RULES.md, in integer arithmetic, so anyone holding
//     the events can check a recorded outcome.
//
// The package does no I/O and reads no clock; ids, times and the actor
// arrive in Meta and in commands. It imports only the standard library.
package domain
