package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unsafe"

	"nordbid/internal/notice"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

var (
	pathBid       = []byte("/openrtb2/bid")
	pathBidPrefix = []byte("/openrtb2/bid/")
	pathNotice    = []byte("/notice/")
	pathHealth    = []byte("/health")
	pathReady     = []byte("/ready")

	typeJSON = []byte("application/json")
	typeGIF  = []byte("image/gif")
)

// bidLabel is the metrics label of a request to path refused before its
// handler ran, and whether path is a bid endpoint at all.
func (s *Server) bidLabel(path []byte) (string, bool) {
	switch {
	case bytes.Equal(path, pathBid):
		return "", true
	case bytes.HasPrefix(path, pathBidPrefix):
		return s.opt.Bidder.Label(string(path[len(pathBidPrefix):])), true
	}
	return "", false
}

// route answers a request of the bid listener into res, on the connection's
// event loop. It returns false for a notice, which may wait for the store
// and is answered off the loop by handleNotice.
func (s *Server) route(w *work, req *request, res *response, arrival time.Time) bool {
	p := req.path
	get := string(req.method) == http.MethodGet || string(req.method) == http.MethodHead
	switch {
	case bytes.Equal(p, pathBid):
		s.handleBid(w, req, res, "", arrival)
	case bytes.HasPrefix(p, pathBidPrefix) && len(p) > len(pathBidPrefix) &&
		bytes.IndexByte(p[len(pathBidPrefix):], '/') < 0:
		// The exchange name is only read during the request, so a view of
		// the path saves a copy.
		ex := p[len(pathBidPrefix):]
		s.handleBid(w, req, res, unsafe.String(&ex[0], len(ex)), arrival)
	case bytes.HasPrefix(p, pathNotice):
		return false
	case (bytes.Equal(p, pathHealth) || bytes.Equal(p, pathReady)) && !get:
		res.allow = "GET, HEAD"
		res.error(http.StatusMethodNotAllowed, "method: "+string(p[1:])+" is a GET request")
	case bytes.Equal(p, pathHealth):
		res.json(http.StatusOK, bodyOK)
	case bytes.Equal(p, pathReady):
		if err := s.opt.Ready(); err != nil {
			res.error(http.StatusServiceUnavailable, "not ready: "+err.Error())
			return true
		}
		res.json(http.StatusOK, bodyReady)
	default:
		res.error(http.StatusNotFound, "no such endpoint: "+quote(string(p)))
	}
	return true
}

var (
	bodyOK    = []byte(`{"status":"ok"}`)
	bodyReady = []byte(`{"status":"ready"}`)
)

// handleBid serves POST /openrtb2/bid and /openrtb2/bid/{exchange}.
func (s *Server) handleBid(w *work, req *request, res *response, exchange string,
	arrival time.Time) {
	if string(req.method) != http.MethodPost {
		res.allow = http.MethodPost
		res.error(http.StatusMethodNotAllowed, "method: bid requests are POSTed")
		return
	}
	body, err := w.body.decode(req.encoding, req.body, s.opt.MaxDecompressed)
	if err != nil {
		var be *bodyError
		errors.As(err, &be)
		s.opt.Metrics.Request(s.opt.Bidder.Label(exchange), telemetry.ResultInvalid)
		res.error(be.status, be.msg)
		return
	}
	ans := s.opt.Bidder.Bid(w.bw, exchange, body, arrival)
	s.opt.Metrics.Request(w.bw.Label(), ans.Result)
	res.version = true
	if ans.Status == http.StatusNoContent {
		// The reason helps exchanges' and operators' debugging; it is one
		// of a fixed set of short names.
		res.status = http.StatusNoContent
		res.reason = s.reasonHeader(ans.Reason)
	} else {
		res.json(ans.Status, ans.Body)
	}
	s.opt.Metrics.Duration(time.Since(arrival).Seconds())
}

// reasonHeader returns a shared header value for a no-bid reason, so that
// answering 204 allocates nothing.
func (s *Server) reasonHeader(reason string) []byte {
	if v, ok := s.reasons[reason]; ok {
		return v
	}
	return s.reasons["other"]
}

// gif is a transparent 1x1 image: impression notices are often pixels.
var gif = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04" +
	"\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// handleNotice serves GET /notice/{kind}. It may wait for the store, so it
// runs off the event loop, on a copy of the request's method, path and
// query.
func (s *Server) handleNotice(ctx context.Context, method, path, query string,
	res *response) {
	kind := strings.TrimPrefix(path, string(pathNotice))
	if method != http.MethodGet && method != http.MethodPost {
		res.allow = "GET, POST"
		res.error(http.StatusMethodNotAllowed, "method: notices are GET (or POST) requests")
		return
	}
	k := store.NoticeKind(kind)
	switch k {
	case store.NoticeWin, store.NoticeBill, store.NoticeLoss, store.NoticeImp,
		store.NoticeClick:
	default:
		res.error(http.StatusNotFound, "kind: unknown notice "+quote(kind))
		return
	}
	// A malformed pair is skipped; the pairs around it still count.
	q, _ := url.ParseQuery(query)
	out, err := s.opt.Notices.Handle(ctx, k, q.Get("t"), q.Get("p"), q.Get("r"))
	if err != nil {
		var ne *notice.Error
		if errors.As(err, &ne) {
			s.opt.Metrics.Notice(kind, "rejected")
			res.error(ne.Status, ne.Msg)
			return
		}
		s.opt.Metrics.Notice(kind, "error")
		s.opt.Logger.Error("notice", "kind", kind, "err", err)
		res.error(http.StatusServiceUnavailable, "store unavailable; retry later")
		return
	}
	s.opt.Metrics.Notice(kind, string(out.Outcome))
	if k == store.NoticeImp {
		res.noStore = true
		res.status, res.ctype, res.body = http.StatusOK, typeGIF, gif
		return
	}
	body := []byte(`{"status":"` + string(out.Outcome) + `"}`)
	if out.Location == "" {
		res.json(http.StatusOK, body)
		return
	}
	// Every click is a visit to the landing page: no cache may answer one
	// in nordbid's place.
	res.noStore = true
	res.location = out.Location
	res.json(http.StatusFound, body)
}
