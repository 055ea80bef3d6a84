package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of every route. A test parses
// routes.go and fails when a registered route is missing from it (or it
// describes one that is not registered), and checks real answers against its
// schemas, so it stays true.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the API's OpenAPI 3.1 document, as served.
func OpenAPI() json.RawMessage { return openAPIDoc }

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDoc)
}
