package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"accord/api/web"
)

// pagePolicy is the dashboard's Content-Security-Policy: its own scripts,
// styles and API only, so text from the ledger can never run as code.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one embedded file, ready to serve.
type asset struct {
	body  []byte
	etag  string
	ctype string
}

// dashboardFiles reads the embedded page and assets once, with an ETag per
// file so a browser revalidates instead of downloading again.
var dashboardFiles = sync.OnceValue(func() map[string]asset {
	files := map[string]asset{}
	_ = fs.WalkDir(web.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".go") {
			return err
		}
		body, err := fs.ReadFile(web.FS, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		files[name] = asset{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, ctype: ctype}
		return nil
	})
	return files
})

// dashboard serves the page; ?alliance={aid} is read by the page itself.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, "index.html")
}

// dashboardAssets serves the page's scripts, styles and images.
func (s *Server) dashboardAssets(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, strings.TrimPrefix(r.URL.Path, "/"))
}

func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := dashboardFiles()[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("ETag", a.etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if name == "index.html" {
		h.Set("Content-Security-Policy", pagePolicy)
		h.Set("X-Frame-Options", "DENY")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
