package main

import "strings"

// nearest returns the word of known that name was most likely meant to be:
// the only one it is a prefix of, or the closest within a small edit
// distance (one edit for words up to four letters, two beyond). It returns
// "" when none is near or two are equally near.
func nearest(name string, known []string) string {
	var starts []string
	for _, k := range known {
		if strings.HasPrefix(k, name) {
			starts = append(starts, k)
		}
	}
	if len(starts) == 1 {
		return starts[0]
	}
	limit := 1
	if len([]rune(name)) > 4 {
		limit = 2
	}
	best, bestDist, tie := "", limit+1, false
	for _, k := range known {
		switch d := editDistance(name, k); {
		case d < bestDist:
			best, bestDist, tie = k, d, false
		case d == bestDist:
			tie = true
		}
	}
	if tie || best == "" {
		return ""
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of two neighbours that turn a into b (the optimal string alignment
// distance), so "vtoe" is one edit from "vote".
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// d[i][j] is the distance between s[:i] and t[:j].
	d := make([][]int, len(s)+1)
	for i := range d {
		d[i] = make([]int, len(t)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(s); i++ {
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(s)][len(t)]
}
