package transparency

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// AddCosignatures returns the signed checkpoint note with the given
// signature lines appended (each line's final newline optional), skipping
// any line whose key name and key id already sign the note: one cosignature
// per witness key. This is the checkpoint "with every cosignature stored for
// that size". It verifies nothing; it returns an error wrapping ErrMalformed
// when signed is not a signed note or a line not a signature line.
func AddCosignatures(signed []byte, lines ...[]byte) ([]byte, error) {
	have, err := noteSigners(signed)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), signed...)
	for _, line := range lines {
		name, sig, err := parseSignatureLine(line)
		if err != nil {
			return nil, err
		}
		k := noteKey{name, binary.BigEndian.Uint32(sig)}
		if have[k] {
			continue
		}
		have[k] = true
		out = append(out, signatureLine(name, sig)...)
	}
	return out, nil
}

// noteKey is a note key: its name and key id.
type noteKey struct {
	name string
	id   uint32
}

// noteSigners returns the keys whose signature lines end the note, or an
// error wrapping ErrMalformed when the note has no text, no blank line
// before its signatures or a line there that is not a signature line.
func noteSigners(signed []byte) (map[noteKey]bool, error) {
	split := bytes.LastIndex(signed, []byte("\n\n"))
	if split < 0 || !bytes.HasSuffix(signed, []byte("\n")) || split+2 == len(signed) {
		return nil, fmt.Errorf("%w: a signed note is text, a blank line and signature lines", ErrMalformed)
	}
	have := map[noteKey]bool{}
	for line := range bytes.Lines(signed[split+2:]) {
		name, sig, err := parseSignatureLine(line)
		if err != nil {
			return nil, err
		}
		have[noteKey{name, binary.BigEndian.Uint32(sig)}] = true
	}
	return have, nil
}

// VerifyCosigned opens a checkpoint note that carries the log's signature
// and witness cosignatures. It returns the checkpoint and the cosignatures
// of the given witnesses (vkeys of type 0x04) that verify, and an error
// unless at least quorum of those witnesses cosigned it. Cosignatures of
// keys not given are ignored; one of a given key that does not verify
// refuses the whole note. The error wraps
//   - ErrKey when a key does not parse, or a witness key is listed twice;
//   - ErrQuorum when quorum is below 0 or above the number of witnesses, or
//     fewer witnesses cosigned (the checkpoint and the cosignatures found
//     are returned with it);
//   - ErrMalformed, ErrSignature, ErrOrigin as for OpenCheckpoint, and
//     ErrSignature for a cosignature that does not verify.
func VerifyCosigned(signed []byte, logVKey string, witnessVKeys []string, quorum int) (Checkpoint, []Cosignature, error) {
	log, err := parseLogVKey(logVKey)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	keys, err := parseWitnessKeys(witnessVKeys)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if quorum < 0 || quorum > len(keys) {
		return Checkpoint{}, nil, fmt.Errorf("%w: a quorum of %d among %d witnesses", ErrQuorum, quorum, len(keys))
	}
	verifiers := make([]note.Verifier, len(keys))
	for i, k := range keys {
		verifiers[i] = cosigVerifier{k}
	}
	cp, n, err := openCheckpoint(signed, log, verifiers)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	cosigs := verifiedCosignatures(n, keys)
	if len(cosigs) < quorum {
		return cp, cosigs, fmt.Errorf("%w: %d of %d witnesses cosigned the checkpoint, %d required", ErrQuorum, len(cosigs), len(keys), quorum)
	}
	return cp, cosigs, nil
}

// parseWitnessKeys parses witness vkeys and refuses a key listed twice.
func parseWitnessKeys(vkeys []string) ([]WitnessKey, error) {
	keys := make([]WitnessKey, 0, len(vkeys))
	for _, v := range vkeys {
		k, err := ParseWitnessKey(v)
		if err != nil {
			return nil, err
		}
		if _, dup := findWitness(keys, k.name, k.id); dup {
			return nil, fmt.Errorf("%w: witness key %s is listed twice", ErrKey, k.name)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// verifiedCosignatures picks, from the signatures note.Open verified, those
// of the witnesses.
func verifiedCosignatures(n *note.Note, keys []WitnessKey) []Cosignature {
	var out []Cosignature
	for _, s := range n.Sigs {
		key, ok := findWitness(keys, s.Name, s.Hash)
		if !ok {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(s.Base64)
		if err != nil || len(sig) != cosigSize {
			continue // not reached: note.Open decoded this signature to verify it
		}
		out = append(out, cosignature(key, sig))
	}
	return out
}
