#include "crypto/qc_statements.hpp"

#include <openssl/asn1t.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <array>

#include "crypto/ossl.hpp"

namespace sandbank::crypto::qc {
namespace {

// QCStatement ::= SEQUENCE { statementId OBJECT IDENTIFIER,
//                            statementInfo ANY DEFINED BY statementId OPTIONAL }
// statementInfo is ANY: ING's sandbox certificates carry an empty UTF8String on QcCompliance.
typedef struct {
  ASN1_OBJECT* statementId;
  ASN1_TYPE* statementInfo;
} QC_STATEMENT;

ASN1_SEQUENCE(QC_STATEMENT) =
    {
        ASN1_SIMPLE(QC_STATEMENT, statementId, ASN1_OBJECT),
        ASN1_OPT(QC_STATEMENT, statementInfo, ASN1_ANY),
} ASN1_SEQUENCE_END(QC_STATEMENT) DECLARE_ASN1_FUNCTIONS(QC_STATEMENT)
        IMPLEMENT_ASN1_FUNCTIONS(QC_STATEMENT) DEFINE_STACK_OF(QC_STATEMENT)

    // QCStatements ::= SEQUENCE OF QCStatement
    typedef STACK_OF(QC_STATEMENT) QC_STATEMENTS;
ASN1_ITEM_TEMPLATE(QC_STATEMENTS) = ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, QcStatements,
                                                          QC_STATEMENT)
    ASN1_ITEM_TEMPLATE_END(QC_STATEMENTS) DECLARE_ASN1_FUNCTIONS(QC_STATEMENTS)
        IMPLEMENT_ASN1_FUNCTIONS(QC_STATEMENTS)

    // QcType ::= SEQUENCE OF OBJECT IDENTIFIER
    typedef STACK_OF(ASN1_OBJECT) QC_TYPES;
ASN1_ITEM_TEMPLATE(QC_TYPES) = ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SEQUENCE_OF, 0, QcTypes, ASN1_OBJECT)
    ASN1_ITEM_TEMPLATE_END(QC_TYPES) DECLARE_ASN1_FUNCTIONS(QC_TYPES)
        IMPLEMENT_ASN1_FUNCTIONS(QC_TYPES)

    // RoleOfPSP ::= SEQUENCE { roleOfPspOid OBJECT IDENTIFIER, roleOfPspName UTF8String }
    typedef struct {
  ASN1_OBJECT* roleOfPspOid;
  ASN1_UTF8STRING* roleOfPspName;
} ROLE_OF_PSP;

ASN1_SEQUENCE(ROLE_OF_PSP) =
    {
        ASN1_SIMPLE(ROLE_OF_PSP, roleOfPspOid, ASN1_OBJECT),
        ASN1_SIMPLE(ROLE_OF_PSP, roleOfPspName, ASN1_UTF8STRING),
} ASN1_SEQUENCE_END(ROLE_OF_PSP) DECLARE_ASN1_FUNCTIONS(ROLE_OF_PSP)
        IMPLEMENT_ASN1_FUNCTIONS(ROLE_OF_PSP) DEFINE_STACK_OF(ROLE_OF_PSP)

    // PSD2QcType ::= SEQUENCE { rolesOfPSP RolesOfPSP, nCAName NCAName, nCAId NCAId }
    typedef struct {
  STACK_OF(ROLE_OF_PSP) * rolesOfPSP;
  ASN1_UTF8STRING* nCAName;
  ASN1_UTF8STRING* nCAId;
} PSD2_QC_TYPE;

ASN1_SEQUENCE(PSD2_QC_TYPE) =
    {
        ASN1_SEQUENCE_OF(PSD2_QC_TYPE, rolesOfPSP, ROLE_OF_PSP),
        ASN1_SIMPLE(PSD2_QC_TYPE, nCAName, ASN1_UTF8STRING),
        ASN1_SIMPLE(PSD2_QC_TYPE, nCAId, ASN1_UTF8STRING),
} ASN1_SEQUENCE_END(PSD2_QC_TYPE) DECLARE_ASN1_FUNCTIONS(PSD2_QC_TYPE)
        IMPLEMENT_ASN1_FUNCTIONS(PSD2_QC_TYPE)

            using QcStatementPtr = ossl::Ptr<QC_STATEMENT, QC_STATEMENT_free>;
using QcStatementsPtr = ossl::Ptr<QC_STATEMENTS, QC_STATEMENTS_free>;
using QcTypesPtr = ossl::Ptr<QC_TYPES, QC_TYPES_free>;
using RoleOfPspPtr = ossl::Ptr<ROLE_OF_PSP, ROLE_OF_PSP_free>;
using Psd2QcTypePtr = ossl::Ptr<PSD2_QC_TYPE, PSD2_QC_TYPE_free>;

constexpr const char* kQcCompliance = "0.4.0.1862.1.1";
constexpr const char* kQcType = "0.4.0.1862.1.6";
constexpr const char* kQcTypeESign = "0.4.0.1862.1.6.1";
constexpr const char* kQcTypeESeal = "0.4.0.1862.1.6.2";
constexpr const char* kQcTypeWeb = "0.4.0.1862.1.6.3";
constexpr const char* kPsd2Statement = "0.4.0.19495.2";

struct RoleEntry {
  Psd2Role role;
  const char* oid;
};
constexpr std::array<RoleEntry, 4> kRoles = {{
    {Psd2Role::AccountServicing, "0.4.0.19495.1.1"},
    {Psd2Role::PaymentInitiation, "0.4.0.19495.1.2"},
    {Psd2Role::AccountInformation, "0.4.0.19495.1.3"},
    {Psd2Role::IssuingCardInstruments, "0.4.0.19495.1.4"},
}};

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[128];
  int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof buf) return {};
  return std::string(buf, static_cast<std::size_t>(len));
}

std::string utf8_text(const ASN1_STRING* s) {
  if (!s) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

ossl::Asn1ObjectPtr make_oid(const char* dotted) {
  ossl::Asn1ObjectPtr obj(OBJ_txt2obj(dotted, 1));
  if (!obj) ossl::throw_internal("create an OID");
  return obj;
}

std::optional<QcType> read_qc_type(const ASN1_TYPE* info) {
  if (!info || info->type != V_ASN1_SEQUENCE) return std::nullopt;
  QcTypesPtr types(
      static_cast<QC_TYPES*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(QC_TYPES), info)));
  if (!types) return std::nullopt;
  for (int i = 0; i < sk_ASN1_OBJECT_num(types.get()); ++i) {
    std::string oid = oid_text(sk_ASN1_OBJECT_value(types.get(), i));
    if (oid == kQcTypeESeal) return QcType::ESeal;
    if (oid == kQcTypeWeb) return QcType::Web;
    if (oid == kQcTypeESign) return QcType::ESign;
  }
  return std::nullopt;
}

std::optional<Psd2Statement> read_psd2(const ASN1_TYPE* info) {
  if (!info || info->type != V_ASN1_SEQUENCE) return std::nullopt;
  Psd2QcTypePtr t(
      static_cast<PSD2_QC_TYPE*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PSD2_QC_TYPE), info)));
  if (!t) return std::nullopt;
  Psd2Statement out;
  for (int i = 0; i < sk_ROLE_OF_PSP_num(t->rolesOfPSP); ++i) {
    const ROLE_OF_PSP* r = sk_ROLE_OF_PSP_value(t->rolesOfPSP, i);
    // The OID decides; the name is informative only.
    if (auto role = role_from_oid(oid_text(r->roleOfPspOid)); role && !out.has(*role)) {
      out.roles.push_back(*role);
    }
  }
  out.nca_name = utf8_text(t->nCAName);
  out.nca_id = utf8_text(t->nCAId);
  return out;
}

// statementInfo holding an encoded value of `it`.
void set_info(QC_STATEMENT* st, const ASN1_ITEM* it, void* value) {
  ASN1_TYPE* packed = ASN1_TYPE_pack_sequence(it, value, nullptr);
  if (!packed) ossl::throw_internal("encode a QCStatement");
  ASN1_TYPE_free(st->statementInfo);
  st->statementInfo = packed;
}

QcStatementPtr new_statement(const char* oid) {
  QcStatementPtr st(QC_STATEMENT_new());
  if (!st) ossl::throw_internal("allocate a QCStatement");
  ASN1_OBJECT_free(st->statementId);
  st->statementId = make_oid(oid).release();
  return st;
}

void push(QC_STATEMENTS* all, QcStatementPtr st) {
  if (sk_QC_STATEMENT_push(all, st.get()) <= 0) ossl::throw_internal("build QCStatements");
  st.release();  // owned by the stack
}

}  // namespace

const char* role_oid(Psd2Role role) {
  for (const auto& e : kRoles) {
    if (e.role == role) return e.oid;
  }
  return "";
}

std::optional<Psd2Role> role_from_oid(std::string_view oid) {
  for (const auto& e : kRoles) {
    if (oid == e.oid) return e.role;
  }
  return std::nullopt;
}

std::optional<Statements> read(X509* cert) {
  int index = X509_get_ext_by_NID(cert, NID_qcStatements, -1);
  if (index < 0) return std::nullopt;
  ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
  if (!data) return std::nullopt;
  const unsigned char* p = ASN1_STRING_get0_data(data);
  QcStatementsPtr all(d2i_QC_STATEMENTS(nullptr, &p, ASN1_STRING_length(data)));
  if (!all) {
    ossl::drain_errors();
    return std::nullopt;
  }
  Statements out;
  for (int i = 0; i < sk_QC_STATEMENT_num(all.get()); ++i) {
    const QC_STATEMENT* st = sk_QC_STATEMENT_value(all.get(), i);
    std::string id = oid_text(st->statementId);
    if (id == kQcCompliance) {
      out.compliance = true;
    } else if (id == kQcType) {
      if (!out.type) out.type = read_qc_type(st->statementInfo);
    } else if (id == kPsd2Statement) {
      if (!out.psd2) out.psd2 = read_psd2(st->statementInfo);
    }
  }
  ossl::drain_errors();
  return out;
}

Bytes encode(const Statements& statements) {
  QcStatementsPtr all(QC_STATEMENTS_new());
  if (!all) ossl::throw_internal("allocate QCStatements");

  if (statements.compliance) push(all.get(), new_statement(kQcCompliance));

  if (statements.type) {
    auto st = new_statement(kQcType);
    QcTypesPtr types(QC_TYPES_new());
    if (!types) ossl::throw_internal("allocate a QcType");
    const char* oid = *statements.type == QcType::ESeal ? kQcTypeESeal
                      : *statements.type == QcType::Web ? kQcTypeWeb
                                                        : kQcTypeESign;
    auto obj = make_oid(oid);
    if (sk_ASN1_OBJECT_push(types.get(), obj.get()) <= 0) ossl::throw_internal("build a QcType");
    obj.release();
    set_info(st.get(), ASN1_ITEM_rptr(QC_TYPES), types.get());
    push(all.get(), std::move(st));
  }

  if (statements.psd2) {
    auto st = new_statement(kPsd2Statement);
    Psd2QcTypePtr psd2(PSD2_QC_TYPE_new());
    if (!psd2) ossl::throw_internal("allocate a PSD2 statement");
    for (Psd2Role role : statements.psd2->roles) {
      RoleOfPspPtr r(ROLE_OF_PSP_new());
      if (!r) ossl::throw_internal("allocate a PSD2 role");
      ASN1_OBJECT_free(r->roleOfPspOid);
      r->roleOfPspOid = make_oid(role_oid(role)).release();
      std::string_view name = role_name(role);
      if (ASN1_STRING_set(r->roleOfPspName, name.data(), static_cast<int>(name.size())) != 1 ||
          sk_ROLE_OF_PSP_push(psd2->rolesOfPSP, r.get()) <= 0) {
        ossl::throw_internal("build a PSD2 role");
      }
      r.release();
    }
    const auto& nca_name = statements.psd2->nca_name;
    const auto& nca_id = statements.psd2->nca_id;
    if (ASN1_STRING_set(psd2->nCAName, nca_name.data(), static_cast<int>(nca_name.size())) != 1 ||
        ASN1_STRING_set(psd2->nCAId, nca_id.data(), static_cast<int>(nca_id.size())) != 1) {
      ossl::throw_internal("build a PSD2 statement");
    }
    set_info(st.get(), ASN1_ITEM_rptr(PSD2_QC_TYPE), psd2.get());
    push(all.get(), std::move(st));
  }

  return ossl::to_der(all.get(), i2d_QC_STATEMENTS, "encode QCStatements");
}

}  // namespace sandbank::crypto::qc
