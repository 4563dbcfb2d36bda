package admin

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"nordbid/internal/store"
)

// TestOpenAPIMatchesRoutes walks the served document: every documented
// path and method is routed, every route is documented, and each
// operation states the role the router demands.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t, Options{})
	code, body := f.do(t, "", "GET", "/api/v1/openapi.json", "")
	if code != http.StatusOK {
		t.Fatalf("GET openapi.json = %d, want 200 without a token", code)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string            `json:"operationId"`
			Role        string            `json:"x-nordbid-role"`
			Security    []json.RawMessage `json:"security"`
			Responses   map[string]any    `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}

	routed := map[string]route{}
	for _, rt := range f.api.routes {
		routed[rt.method+" "+rt.pattern] = rt
	}
	documented := map[string]bool{}
	ids := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			rt, ok := routed[key]
			if !ok {
				t.Errorf("documented %s is not routed", key)
				continue
			}
			if op.Role != string(rt.role) {
				t.Errorf("%s: documented role %q, routed role %q", key, op.Role, rt.role)
			}
			if open := op.Security != nil && len(op.Security) == 0; open != (rt.role == "") {
				t.Errorf("%s: documented without auth %v, routed role %q", key, open, rt.role)
			}
			if op.OperationID == "" || ids[op.OperationID] {
				t.Errorf("%s: operationId %q missing or repeated", key, op.OperationID)
			}
			ids[op.OperationID] = true
			if rt.role == store.RoleOperator && op.Responses["403"] == nil {
				t.Errorf("%s: a write that does not document 403", key)
			}
			if rt.role != "" && op.Responses["401"] == nil {
				t.Errorf("%s: an authenticated route that does not document 401", key)
			}
		}
	}
	var missing []string
	for key := range routed {
		if !documented[key] {
			missing = append(missing, key)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("routed but not documented: %v", missing)
	}
}
