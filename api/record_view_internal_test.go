package api

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"accord/domain"
	"accord/projections"
)

// openRecord is a record read at seq 12 with voting open: A's stance
// changed from a signed block to an unsigned agree, B withdrew.
func openRecord() projections.DecisionRecord {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	agree, block := domain.Stance("agree"), domain.Stance("block")
	signed := &projections.RecordedSignature{Seq: 10, Signer: projections.Party{ID: "a", Name: "Member A"}, Meaning: "block", KeyID: "k1"}
	return projections.DecisionRecord{
		Alliance: projections.Party{ID: "x", Name: "Alliance"},
		AsOf:     projections.Point{Seq: 12, Hash: "h12", At: at},
		Voting: &projections.VotingHistory{
			Opened: projections.Act{Seq: 9}, Rule: domain.Charter{DecisionRule: "consensus", Quorum: "1/2", Threshold: "3/4"},
			Eligible: []projections.EligibleMember{{ID: "a", Name: "Member A"}, {ID: "b", Name: "Member B", Withdrew: &projections.Withdrawal{Act: projections.Act{Seq: 12}}}},
		},
		Stances: []projections.StanceHistory{
			{MemberID: "a", Name: "Member A", Final: &agree, History: []projections.StanceChange{
				{Stance: block, Seq: 10, Signature: signed}, {Stance: agree, Seq: 11},
			}},
			{MemberID: "b", Name: "Member B", Dropped: true, History: []projections.StanceChange{{Stance: block, Seq: 11}}},
		},
		Events: []projections.EventRef{{Seq: 9, Hash: "h9"}, {Seq: 10, Hash: "h10"}, {Seq: 11, Hash: "h11"}, {Seq: 12, Hash: "h12"}, {Seq: 13, Hash: "h13"}},
	}
}

func TestRecordViewSettledPoint(t *testing.T) {
	open := openRecord()
	v, err := newRecordView(open)
	require.NoError(t, err)
	require.Equal(t, open.AsOf, v.Settled, "while voting is open, the point the record was read at")
	require.Empty(t, v.SettledBy)

	closedAt := open.AsOf.At.Add(time.Minute)
	closed := openRecord()
	closed.AsOf = projections.Point{Seq: 40, Hash: "h40"}
	closed.Outcome = &projections.RecordedOutcome{Closed: projections.Act{Seq: 13, At: closedAt}}
	v, err = newRecordView(closed)
	require.NoError(t, err)
	require.Equal(t, projections.Point{Seq: 13, Hash: "h13", At: closedAt}, v.Settled, "the close, not the head")
	require.Equal(t, "voting closed", v.SettledBy)

	withdrawn := openRecord()
	withdrawn.AsOf = projections.Point{Seq: 40, Hash: "h40"}
	withdrawn.Withdrawal = &projections.Withdrawal{Act: projections.Act{Seq: 11, At: closedAt}}
	v, err = newRecordView(withdrawn)
	require.NoError(t, err)
	require.Equal(t, projections.Point{Seq: 11, Hash: "h11", At: closedAt}, v.Settled)
	require.Equal(t, "the proposal was withdrawn", v.SettledBy)
}

func TestRecordViewParticipants(t *testing.T) {
	v, err := newRecordView(openRecord())
	require.NoError(t, err)
	require.Len(t, v.Participants, 2)
	a, b := v.Participants[0], v.Participants[1]
	require.Equal(t, domain.Stance("agree"), *a.Final)
	require.Nil(t, a.Signature, "the stance that counts was not signed, though an earlier one was")
	require.Nil(t, b.Final, "a withdrawn member's stance is dropped")
	require.Equal(t, uint64(12), b.Withdrew.Seq)
	require.Contains(t, v.RuleJSON, `"decision_rule": "consensus"`)

	none, err := newRecordView(projections.DecisionRecord{})
	require.NoError(t, err)
	require.Nil(t, none.Participants)
	require.Empty(t, none.RuleJSON)
}

// The alliance's name goes into the print style's running header as a CSS
// string: a name that tries to end the style sheet stays a string.
func TestRecordPageEscapesRunningHeader(t *testing.T) {
	rec := openRecord()
	rec.Alliance.Name = `Acme "</style><script>alert(1)</script>`
	w := httptest.NewRecorder()
	require.NoError(t, writeRecordPage(w, rec))
	page := w.Body.String()
	require.Equal(t, 1, strings.Count(page, "</style>"))
	require.NotContains(t, page, "<script>")
	start := strings.Index(page, "@top-left { content: ")
	require.Positive(t, start)
	header := page[start : start+strings.Index(page[start:], ";")]
	require.Regexp(t, `^@top-left \{ content: "Acme [^"<>]*alert[^"<>]*"$`, header, "one CSS string, its quote and brackets escaped")
	require.Contains(t, page, "As of seq 12, the latest event this record reflects")
}
