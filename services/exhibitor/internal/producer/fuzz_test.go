package producer

import (
	"bytes"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

func FuzzCreateBody(f *testing.F) {
	f.Add([]byte(`{"kind":"cooperative","legal_name":"HTX Tân Cương","tax_code":"4600123456","province":"Thái Nguyên","commune":"Tân Cương","phone":"0912345678"}`))
	f.Add([]byte(`{"certifications":[{"code":"vietgap","number":"1","valid_until":"2027-01-01"}],"export_markets":["jp"]}`))
	f.Add([]byte(`{"kind":1}`))
	f.Add([]byte(`{"legal_name":"\u0000\uffff","province":"Hà Giang","unknown":true}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req writeRequest
		if err := httpx.Decode(bytes.NewReader(body), &req); err != nil {
			if apperr.KindOf(err) == apperr.Internal {
				t.Fatalf("decode error without a kind: %v", err)
			}
			return
		}
		fields, err := req.fields()
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("fields error %v is not invalid", err)
			}
			return
		}
		p, err := New("id", "acc", fields, time.Now())
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("New error %v is not invalid", err)
			}
			return
		}
		if p.LegalName == "" || p.TaxCode == "" || p.Province.Code == "" || p.Phone == "" {
			t.Fatalf("valid producer with empty required fields: %+v", p)
		}
	})
}
