package domain

import "github.com/google/uuid"

// Creation names what a command creates, so that one command id yields
// distinct ids for distinct kinds of thing. The strings are part of every
// derived id: they must never change.
type Creation string

// The things a command can create.
const (
	CreatesAlliance   Creation = "alliance"
	CreatesMember     Creation = "member"
	CreatesObserver   Creation = "observer"
	CreatesProposal   Creation = "proposal"
	CreatesAmendment  Creation = "amendment"
	CreatesWorkgroup  Creation = "workgroup"
	CreatesCommitment Creation = "commitment"
	CreatesWitness    Creation = "witness"
)

// idNamespace is the fixed namespace of accord's derived ids.
var idNamespace = uuid.MustParse("af602a9f-6cab-4843-8b23-1f613e20a7e8")

// CreatedID returns the id of what the command commandID creates in alliance
// allianceID ("" when it creates the alliance itself): a name-based uuid
// (version 5, SHA-1) of the alliance, the command id and the creation. A
// retried command therefore creates the same id, whichever instance decides
// it and however long after. It never fails.
func CreatedID(allianceID, commandID string, what Creation) string {
	// Command ids have no line feed (the API allows none), and alliance
	// ids are uuids, so the three parts cannot run into one another.
	name := allianceID + "\n" + commandID + "\n" + string(what)
	return uuid.NewSHA1(idNamespace, []byte(name)).String()
}
