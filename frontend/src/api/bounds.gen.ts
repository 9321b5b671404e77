// Generated from openapi.json by scripts/bounds.mjs (npm run api:types): do not edit.
// The bounds the API document states for each field of each schema.
export const BOUNDS = {
  "Application": {
    "need_id": {
      "minimum": 1,
      "required": true
    },
    "quantity": {
      "minimum": 1,
      "required": true
    }
  },
  "Certify": {
    "certificate_no": {
      "minLength": 2,
      "maxLength": 60,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "certified_until": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
      "required": true
    }
  },
  "ConfirmEmail": {
    "token": {
      "minLength": 1,
      "maxLength": 128,
      "pattern": "\\S",
      "required": true
    }
  },
  "Decline": {
    "reason": {
      "minLength": 2,
      "maxLength": 500,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    }
  },
  "DeclineOrder": {
    "reason": {
      "minLength": 2,
      "maxLength": 500,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    }
  },
  "ForgotPassword": {
    "email": {
      "minLength": 1,
      "maxLength": 254,
      "pattern": "\\S",
      "required": true
    }
  },
  "HouseholdChanges": {
    "address": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "\\S"
    },
    "head_name": {
      "minLength": 1,
      "maxLength": 30,
      "pattern": "\\S"
    },
    "members_count": {
      "minimum": 1,
      "maximum": 30
    },
    "phone": {
      "pattern": "^((\\+86)?1[3-9][0-9]{9})?$"
    },
    "poverty_causes": {
      "minItems": 1
    }
  },
  "MeChange": {
    "locale": {
      "pattern": "^(zh-CN|en)$"
    }
  },
  "NeedChanges": {
    "deadline": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
    }
  },
  "NewFollow": {
    "target": {
      "minLength": 1,
      "maxLength": 24,
      "pattern": "\\S",
      "required": true
    }
  },
  "NewGrant": {
    "organisation_id": {
      "minimum": 1
    },
    "pairing_id": {
      "minimum": 1
    },
    "region_code": {
      "pattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    }
  },
  "NewHousehold": {
    "address": {
      "minLength": 1,
      "maxLength": 200,
      "pattern": "\\S"
    },
    "head_name": {
      "minLength": 1,
      "maxLength": 30,
      "pattern": "\\S",
      "required": true
    },
    "id_card_number": {
      "pattern": "^[0-9]{17}[0-9Xx]$",
      "required": true
    },
    "members_count": {
      "minimum": 1,
      "maximum": 30,
      "required": true
    },
    "phone": {
      "pattern": "^((\\+86)?1[3-9][0-9]{9})?$"
    },
    "poverty_causes": {
      "minItems": 1,
      "required": true
    },
    "village_code": {
      "pattern": "^[0-9]{12}$",
      "required": true
    }
  },
  "NewIncome": {
    "per_capita_income_fen": {
      "minimum": 0,
      "maximum": 10000000000,
      "required": true
    },
    "year": {
      "minimum": 2000,
      "required": true
    }
  },
  "NewInvitation": {
    "message": {
      "maxLength": 500
    },
    "need_id": {
      "minimum": 1,
      "required": true
    },
    "organisation_id": {
      "minimum": 1,
      "required": true
    }
  },
  "NewMember": {
    "organisation_id": {
      "minimum": 1,
      "required": true
    }
  },
  "NewNeed": {
    "deadline": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
      "required": true
    },
    "description": {
      "minLength": 10,
      "maxLength": 2000,
      "required": true
    },
    "min_pledge_quantity": {
      "minimum": 1
    },
    "target_quantity": {
      "minimum": 1,
      "required": true
    },
    "title": {
      "minLength": 4,
      "maxLength": 60,
      "required": true
    },
    "unit_value_fen": {
      "minimum": 1,
      "maximum": 100000000
    },
    "village_code": {
      "pattern": "^[0-9]{12}$"
    }
  },
  "NewObjection": {
    "contact": {
      "maxLength": 100
    },
    "reason": {
      "minLength": 10,
      "maxLength": 1000,
      "required": true
    }
  },
  "NewOffer": {
    "deliver_by": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "description": {
      "minLength": 10,
      "maxLength": 2000,
      "required": true
    },
    "job_place": {
      "maxLength": 60
    },
    "pay_max_fen": {
      "minimum": 0,
      "maximum": 100000000
    },
    "pay_min_fen": {
      "minimum": 0,
      "maximum": 100000000
    },
    "quantity": {
      "minimum": 1,
      "required": true
    },
    "regions": {
      "maxItems": 200,
      "itemPattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    },
    "requirements": {
      "maxLength": 500
    },
    "title": {
      "minLength": 4,
      "maxLength": 60,
      "required": true
    },
    "valid_until": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
      "required": true
    }
  },
  "NewOrder": {
    "delivery_address": {
      "minLength": 5,
      "maxLength": 200,
      "required": true
    },
    "note": {
      "maxLength": 500
    },
    "org_id": {
      "minimum": 1
    },
    "quantity": {
      "minimum": 1,
      "maximum": 10000000,
      "required": true
    },
    "recipient_name": {
      "minLength": 2,
      "maxLength": 30,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "recipient_phone": {
      "minLength": 11,
      "maxLength": 11,
      "pattern": "^((\\+86)?1[3-9][0-9]{9})?$",
      "required": true
    }
  },
  "NewOrganisation": {
    "credit_code": {
      "pattern": "^([0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18})?$"
    },
    "description": {
      "maxLength": 2000
    },
    "name": {
      "minLength": 2,
      "maxLength": 100,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "region_code": {
      "pattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    }
  },
  "NewPairing": {
    "ends_on": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "helper_organisation_id": {
      "minimum": 1
    },
    "helper_region_code": {
      "pattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    },
    "name": {
      "minLength": 2,
      "maxLength": 100,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "starts_on": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
      "required": true
    },
    "targets": {
      "minItems": 1,
      "maxItems": 200,
      "itemPattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$",
      "required": true
    }
  },
  "NewPassword": {
    "password": {
      "minLength": 10,
      "maxLength": 128,
      "required": true
    }
  },
  "NewPledge": {
    "message": {
      "maxLength": 200
    },
    "org_id": {
      "minimum": 1
    },
    "quantity": {
      "minimum": 1,
      "required": true
    }
  },
  "NewProduct": {
    "description": {
      "minLength": 10,
      "maxLength": 2000,
      "required": true
    },
    "households_supported": {
      "minimum": 0,
      "maximum": 100000,
      "required": true
    },
    "min_order": {
      "minimum": 1,
      "maximum": 10000000,
      "required": true
    },
    "name": {
      "minLength": 2,
      "maxLength": 60,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "season_from": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "season_to": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "stock": {
      "minimum": 0,
      "maximum": 10000000
    },
    "stock_seen": {
      "minimum": 0,
      "maximum": 10000000
    },
    "unit_price_fen": {
      "minimum": 1,
      "maximum": 10000000,
      "required": true
    },
    "village_code": {
      "pattern": "^[0-9]{12}$"
    }
  },
  "NewRequest": {
    "need_id": {
      "minimum": 1,
      "required": true
    },
    "note": {
      "maxLength": 500
    },
    "quantity": {
      "minimum": 1,
      "required": true
    }
  },
  "OfferFields": {
    "deliver_by": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "description": {
      "minLength": 10,
      "maxLength": 2000,
      "required": true
    },
    "job_place": {
      "maxLength": 60
    },
    "pay_max_fen": {
      "minimum": 0,
      "maximum": 100000000
    },
    "pay_min_fen": {
      "minimum": 0,
      "maximum": 100000000
    },
    "quantity": {
      "minimum": 1,
      "required": true
    },
    "regions": {
      "maxItems": 200,
      "itemPattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    },
    "requirements": {
      "maxLength": 500
    },
    "title": {
      "minLength": 4,
      "maxLength": 60,
      "required": true
    },
    "valid_until": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
      "required": true
    }
  },
  "PairingChange": {
    "ends_on": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "name": {
      "minLength": 2,
      "maxLength": 100,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"
    },
    "targets": {
      "minItems": 1,
      "maxItems": 200,
      "itemPattern": "^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3}([0-9]{3})?)?)?)?$"
    }
  },
  "ProductFields": {
    "description": {
      "minLength": 10,
      "maxLength": 2000,
      "required": true
    },
    "households_supported": {
      "minimum": 0,
      "maximum": 100000,
      "required": true
    },
    "min_order": {
      "minimum": 1,
      "maximum": 10000000,
      "required": true
    },
    "name": {
      "minLength": 2,
      "maxLength": 60,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    },
    "season_from": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "season_to": {
      "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    },
    "stock": {
      "minimum": 0,
      "maximum": 10000000
    },
    "stock_seen": {
      "minimum": 0,
      "maximum": 10000000
    },
    "unit_price_fen": {
      "minimum": 1,
      "maximum": 10000000,
      "required": true
    }
  },
  "Reason": {
    "reason": {
      "minLength": 2,
      "maxLength": 500,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    }
  },
  "ReceiptConfirmation": {
    "received_quantity": {
      "minimum": 1,
      "required": true
    }
  },
  "ReceiveOrder": {
    "received_quantity": {
      "minimum": 0,
      "maximum": 10000000,
      "required": true
    }
  },
  "Registration": {
    "display_name": {
      "minLength": 1,
      "maxLength": 50,
      "pattern": "\\S",
      "required": true
    },
    "email": {
      "maxLength": 254
    },
    "mobile": {
      "pattern": "^((\\+86)?1[3-9][0-9]{9})?$"
    },
    "password": {
      "minLength": 10,
      "maxLength": 128,
      "required": true
    }
  },
  "ResendConfirmation": {
    "email": {
      "maxLength": 254
    }
  },
  "SettleOrder": {
    "payment_ref": {
      "minLength": 2,
      "maxLength": 60,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    }
  },
  "ShipOrder": {
    "carrier": {
      "minLength": 1,
      "maxLength": 40,
      "pattern": "\\S",
      "required": true
    },
    "tracking_ref": {
      "maxLength": 60
    }
  },
  "Shipment": {
    "carrier": {
      "maxLength": 50
    },
    "reference": {
      "minLength": 1,
      "maxLength": 100,
      "pattern": "\\S",
      "required": true
    }
  },
  "StatusMove": {
    "evidence": {
      "minLength": 1,
      "maxLength": 1000,
      "pattern": "\\S",
      "required": true
    },
    "reason": {
      "minLength": 1,
      "maxLength": 500,
      "pattern": "\\S",
      "required": true
    }
  },
  "Thanks": {
    "note": {
      "minLength": 2,
      "maxLength": 500,
      "pattern": "[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000][\\s\\S]*[^\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]",
      "required": true
    }
  },
  "TokenRequest": {
    "expires_in_days": {
      "minimum": 1,
      "maximum": 365
    },
    "name": {
      "minLength": 1,
      "maxLength": 100,
      "pattern": "\\S",
      "required": true
    }
  }
} as const
