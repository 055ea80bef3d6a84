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
// reads the predecessor's head and passes it in PredecessorHead. It returns
// Invalid for a malformed predecessor id or an alliance naming itself, and
// Internal when the head passed in is missing or is not that alliance's.
func predecessorOf(allianceID string, c FormAlliance) (*AllianceHead, error) {
	head := c.PredecessorHead
	if c.Predecessor == "" {
		if head != nil {
			return nil, Errorf(Internal, "the head of alliance %s was passed in without a predecessor to record", head.AllianceID)
		}
		return nil, nil
	}
	if err := checkID("predecessor", c.Predecessor); err != nil {
		return nil, err
	}
	if c.Predecessor == allianceID {
		return nil, Errorf(Invalid, "predecessor %s is the alliance being formed: an alliance cannot succeed itself", c.Predecessor)
	}
	switch {
	case head == nil:
		return nil, Errorf(Internal, "the head of predecessor %s was not read before forming its successor", c.Predecessor)
	case head.AllianceID != c.Predecessor:
		return nil, Errorf(Internal, "the head passed in is alliance %s's, not predecessor %s's", head.AllianceID, c.Predecessor)
	case head.Seq == 0 || !isHash(head.Hash):
		return nil, Errorf(Internal, "the head of predecessor %s (seq %d, hash %s) is not an event's", c.Predecessor, head.Seq, clip(head.Hash))
	}
	h := *head
	return &h, nil
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
