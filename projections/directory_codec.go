package projections

import (
	"encoding/binary"
	"errors"
	"time"

	"accord/domain"
)

// A directory shard is stored in a compact binary form rather than JSON:
// a start reads every shard, and at 100,000 alliances JSON took half a
// second to decode where this takes a few tens of milliseconds. A shard is
// dirShardMagic, then its entries one after the other, each:
//
//	alliance id, name, purpose            strings
//	formed at                             varint, Unix nanoseconds
//	seq, stream seq                       uvarints
//	predecessor                           byte 0, or 1 then its alliance id (string), seq (uvarint), hash (string)
//	deadlines                             uvarint count, then each: proposal id (string), varint Unix nanoseconds
//
// where a string is its length as a uvarint, then its bytes.

const dirShardMagic = "accord-dir/v1\n"

// errShortShard reports a shard that ends inside an entry.
var errShortShard = errors.New("directory shard ends inside an entry")

// encodeShard returns the stored form of a shard's entries.
func encodeShard(entries map[string]*dirEntry) []byte {
	b := []byte(dirShardMagic)
	for aid, e := range entries {
		b = appendString(b, aid)
		b = appendString(b, e.Name)
		b = appendString(b, e.Purpose)
		b = binary.AppendVarint(b, e.FormedAt.UnixNano())
		b = binary.AppendUvarint(b, e.Seq)
		b = binary.AppendUvarint(b, e.StreamSeq)
		if p := e.Predecessor; p != nil {
			b = append(b, 1)
			b = appendString(b, p.AllianceID)
			b = binary.AppendUvarint(b, p.Seq)
			b = appendString(b, p.Hash)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendUvarint(b, uint64(len(e.Deadlines)))
		for pid, at := range e.Deadlines {
			b = appendString(b, pid)
			b = binary.AppendVarint(b, at.UnixNano())
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decodeShard calls fn with each entry of a stored shard. It returns an
// error when the shard is not one or is cut short.
func decodeShard(raw []byte, fn func(aid string, e *dirEntry)) error {
	if len(raw) < len(dirShardMagic) || string(raw[:len(dirShardMagic)]) != dirShardMagic {
		return errors.New("not a directory shard")
	}
	r := shardReader{b: raw[len(dirShardMagic):]}
	for len(r.b) > 0 && r.err == nil {
		aid := r.string()
		e := &dirEntry{Name: r.string(), Purpose: r.string()}
		e.FormedAt = time.Unix(0, r.varint()).UTC()
		e.Seq, e.StreamSeq = r.uvarint(), r.uvarint()
		if r.byte() == 1 {
			e.Predecessor = &domain.AllianceHead{AllianceID: r.string(), Seq: r.uvarint(), Hash: r.string()}
		}
		if n := r.uvarint(); n > 0 && r.err == nil {
			e.Deadlines = make(map[string]time.Time, min(n, 1024))
			for range n {
				pid := r.string()
				e.Deadlines[pid] = time.Unix(0, r.varint()).UTC()
				if r.err != nil {
					break
				}
			}
		}
		if r.err == nil {
			fn(aid, e)
		}
	}
	return r.err
}

// shardReader reads a shard's fields, remembering the first failure.
type shardReader struct {
	b   []byte
	err error
}

func (r *shardReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *shardReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *shardReader) byte() byte {
	if len(r.b) == 0 {
		r.fail()
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *shardReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.fail()
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *shardReader) fail() {
	if r.err == nil {
		r.err = errShortShard
	}
	r.b = nil
}
