package projections

// RecordCheckpoint is the checkpoint of the alliance's transparency log
// that covers a decision record: its tree holds every event the record
// rests on, so a reader can check each of them against the tree as well as
// the chain (an inclusion proof of each seq in a tree of Size).
type RecordCheckpoint struct {
	Size     uint64 `json:"size"`     // the tree's size: seqs 1…Size
	Root     string `json:"root"`     // its root, standard base64
	Cosigned bool   `json:"cosigned"` // whether witnesses cosigned it
	Note     string `json:"note"`     // the signed checkpoint, with its cosignatures
	URL      string `json:"url"`      // where to fetch it: the checkpoint route of that size
}
