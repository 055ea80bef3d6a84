package api_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestRecordPrintsToPDF prints the decision record with headless Chromium,
// as a secretary's "Save as PDF" does, and reads the PDF's text back: every
// page names the alliance and the seq the record is as of, and is numbered
// "Page i of n"; the summary comes first and the appendix last; the long
// block reason is there in full. The PDF is kept as artifacts/record.pdf.
func TestRecordPrintsToPDF(t *testing.T) {
	pdftotext := pdfToText(t)
	e := newEnv(t)
	reason := longBlockReason(t)
	d := decideWithBlock(t, e, reason)
	submitAfterClose(t, e, d)
	ctx := browser(t)

	pdf := printRecord(t, ctx, e.URL+d.base+"/proposals/"+d.pid+"/record?format=html", d.Observer.Token)
	dir := filepath.Join("..", "artifacts")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	file := filepath.Join(dir, "record.pdf")
	require.NoError(t, os.WriteFile(file, pdf, 0o644))
	abs, _ := filepath.Abs(file)
	t.Logf("record PDF: %s (%d bytes)", abs, len(pdf))

	pages := pdfPages(t, pdftotext, file)
	t.Logf("%d printed pages", len(pages))
	require.GreaterOrEqual(t, len(pages), 3, "a summary, the record in full and the appendix, each from a new page")
	for i, text := range pages {
		require.Contains(t, text, "Pharmaceutical Distribution Security Alliance", "page %d names the alliance", i+1)
		require.Contains(t, text, "Decision record, as of seq 17", "page %d", i+1)
		require.Contains(t, text, fmt.Sprintf("Page %d of %d", i+1, len(pages)), "page %d is numbered", i+1)
		require.NotContains(t, text, "seq 18", "page %d", i+1)
	}

	all := strings.Join(pages, "\f")
	requireInOrder(t, all, "As of seq 17, when voting closed", "Summary", "Who took part", "Signatures",
		"The record in full", "Stances", "Appendix: what this record rests on", "The rule as recorded")
	require.Contains(t, pages[0], "Who took part", "the summary is on the first page")
	require.NotContains(t, pages[0], "Appendix", "the appendix is not on the first page")
	words := strings.Join(strings.Fields(all), " ")
	for _, paragraph := range strings.Split(reason, "\n\n") {
		require.Contains(t, words, paragraph, "the block reason is printed in full")
	}
}

// printRecord opens url in the browser of ctx, signed in with token, and
// returns the page printed to PDF at its own page size (A4).
func printRecord(t *testing.T, ctx context.Context, url, token string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	_, err := chromedp.Call(ctx, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	_, err = chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Authorization": "Bearer " + token},
	})
	require.NoError(t, err)
	do(t, ctx, "open the record", chromedp.Navigate(url), chromedp.WaitVisible(css(`#appendix`)))
	cssSize := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &cssSize})
	require.NoError(t, err, "print to PDF")
	require.NotEmpty(t, res.Data)
	return res.Data
}

// pdfPages returns the text of each page of the PDF file, as pdftotext
// reads it (pages end with a form feed).
func pdfPages(t *testing.T, pdftotext, file string) []string {
	t.Helper()
	out, err := exec.Command(pdftotext, "-enc", "UTF-8", file, "-").Output()
	require.NoError(t, err, "pdftotext %s", file)
	pages := strings.Split(string(out), "\f")
	if pages[len(pages)-1] == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// pdfToText returns the pdftotext (poppler-utils) to read PDFs with, or
// skips the test outside CI.
func pdfToText(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("pdftotext"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no pdftotext found: CI must install poppler-utils (.ci/run does)")
	}
	t.Skip("no pdftotext found: install poppler-utils; CI runs this test")
	return ""
}
