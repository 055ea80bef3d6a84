package domain

// AllianceHead is the last event of an alliance as one reads it at a given
// moment: its alliance, seq and hash. AllianceFormed records the head of
// the alliance it succeeds, so that anyone holding both exports can check
// the link (accord verify --predecessor).
type AllianceHead struct {
	AllianceID string `json:"alliance_id"`
	Seq        uint64 `json:"seq"`
	Hash       string `json:"hash"`
}

// predecessorOf returns the head a formation records as its predecessor, nil
// when it names none. The domain reads no other alliance: the application
// reads the predecessor's head and passes it in. It returns Invalid for a
// malformed predecessor id and for an alliance naming itself, and Internal
// for a head that is no event's (seq 0, or no SHA-256 hash), which only the
// application can have passed in.
func predecessorOf(allianceID string, c FormAlliance) (*AllianceHead, error) {
	head := c.Predecessor
	if head == nil {
		return nil, nil
	}
	if err := checkID("predecessor", head.AllianceID); err != nil {
		return nil, err
	}
	if head.AllianceID == allianceID {
		return nil, Errorf(Invalid, "predecessor %s is the alliance being formed: an alliance cannot succeed itself", head.AllianceID)
	}
	if head.Seq == 0 || !isHash(head.Hash) {
		return nil, Errorf(Internal, "the head of predecessor %s (seq %d, hash %s) is not an event's", head.AllianceID, head.Seq, clip(head.Hash))
	}
	return copyHead(head), nil
}

func copyHead(h *AllianceHead) *AllianceHead {
	if h == nil {
		return nil
	}
	c := *h
	return &c
}

// isHash reports whether s is a lowercase hex SHA-256, as event hashes are
// written.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}
