// Package web holds the dashboard: one page and its assets (vanilla
// JavaScript and CSS, no build step), embedded in the binary.
package web

import "embed"

// FS holds index.html and the assets/ folder the page loads.
//
//go:embed index.html assets
var FS embed.FS
