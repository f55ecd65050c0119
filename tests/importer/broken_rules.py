"""Every rule of import-format.md, broken once: (file, line, the line put there, the problem the import names).

Each case replaces one line of one file of the good folder (line 1 is the header)."""

ORG, USERS, POOLS, HISTORY = 'organisations.csv', 'users.csv', 'licences.csv', 'licence_history.csv'
LONG = 'x' * 201
RULES = [
    # organisations.csv
    (
        ORG,
        1,
        'serial_number,name,plan,subscription_end,main_contact_email',
        "organisations.csv:1: the required column 'region' is missing",
    ),
    (
        ORG,
        1,
        'serial_number,name,plan,region,subscription_end,main_contact_email,colour',
        "organisations.csv:1: unknown column 'colour'; the columns are serial_number, name, plan, region, "
        'subscription_end, main_contact_email',
    ),
    (
        ORG,
        1,
        'serial_number,name,plan,region,subscription_end,name',
        "organisations.csv:1: column 'name' appears more than once",
    ),
    (
        ORG,
        1,
        'serial_number;name;plan;region;subscription_end;main_contact_email',
        'organisations.csv:1: the values are separated by semicolons; separate them with commas',
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu',
        'organisations.csv:3: expected 6 fields, one per column in the header, but found 4',
    ),
    (ORG, 3, 'SN-2,,trial,eu,2026-12-31,', 'organisations.csv:3: name is required but empty'),
    (
        ORG,
        4,
        'SN/3,Initech,paid,us,2027-01-31,',
        "organisations.csv:4: serial_number 'SN/3' must be 1 to 64 characters of letters A-Z, digits, '-' and '_'",
    ),
    (
        ORG,
        4,
        f'{"S" * 65},Initech,paid,us,2027-01-31,',
        f"organisations.csv:4: serial_number '{'S' * 60}…' must be 1 to 64 characters of letters A-Z, digits, '-' "
        "and '_'",
    ),
    (
        ORG,
        4,
        f'SN-3,{LONG},paid,us,2027-01-31,',
        'organisations.csv:4: name is 201 characters long; at most 200 are allowed',
    ),
    (ORG, 3, 'SN-2,Globex GmbH,free,eu,2026-12-31,', "organisations.csv:3: plan 'free' is not one of trial, paid"),
    (ORG, 3, 'SN-2,Globex GmbH,trial,fr,2026-12-31,', "organisations.csv:3: region 'fr' is not one of eu, uk, us"),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,31/12/2026,',
        "organisations.csv:3: subscription_end '31/12/2026' is not a date in the form YYYY-MM-DD",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-02-30,',
        "organisations.csv:3: subscription_end '2026-02-30' is not a real date",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-12-31,bob-at-globex',
        "organisations.csv:3: main_contact_email 'bob-at-globex' is not an email address",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-12-31,nobody@globex.test',
        "organisations.csv:3: main_contact_email 'nobody@globex.test' is not a user in users.csv or in the database",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-12-31,Ann@Acme.test',
        "organisations.csv:3: main_contact_email 'Ann@Acme.test' is not a user of SN-2 but of SN-1",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-12-31,sam@vendor.test',
        "organisations.csv:3: main_contact_email 'sam@vendor.test' is not a user of SN-2 but vendor staff",
    ),
    (
        ORG,
        3,
        'SN-2,Globex GmbH,trial,eu,2026-12-31,stored@example.com',
        "organisations.csv:3: main_contact_email 'stored@example.com' is not a user of SN-2 but of SN-DB",
    ),
    (ORG, 4, 'SN-2,Globex Again,paid,eu,2027-01-31,', "organisations.csv:4: serial_number 'SN-2' is already on line 3"),
    # users.csv
    (USERS, 1, 'serial_number,full_name,email,phone', "users.csv:1: the required column 'role' is missing"),
    (USERS, 3, ',Bob Viewer,bob@globex.test,,viewer', "users.csv:3: serial_number is required for role 'viewer'"),
    (
        USERS,
        4,
        'SN-1,Sam Sales,sam@vendor.test,,sales',
        "users.csv:4: serial_number must be empty for vendor staff (role 'sales')",
    ),
    (
        USERS,
        4,
        'SN-1,Vera Vendor,sam@vendor.test,,vendor_admin',
        "users.csv:4: serial_number must be empty for vendor staff (role 'vendor_admin')",
    ),
    (
        USERS,
        3,
        'SN-9,Bob Viewer,bob@globex.test,,viewer',
        "users.csv:3: serial_number 'SN-9' is not an organisation in organisations.csv or in the database",
    ),
    (USERS, 3, 'SN-2,,bob@globex.test,,viewer', 'users.csv:3: full_name is required but empty'),
    (
        USERS,
        3,
        f'SN-2,{LONG},bob@globex.test,,viewer',
        'users.csv:3: full_name is 201 characters long; at most 200 are allowed',
    ),
    (
        USERS,
        3,
        'SN-2,Bob Viewer,bob(at)globex.test,,viewer',
        "users.csv:3: email 'bob(at)globex.test' is not an email address",
    ),
    (USERS, 3, 'SN-2,Bob Viewer,,,viewer', 'users.csv:3: email is required but empty'),
    (
        USERS,
        5,
        'SN-2,Ann Again,ANN@acme.TEST,,user',
        "users.csv:5: email 'ANN@acme.TEST' is already on line 2 (emails are compared without regard to case)",
    ),
    (
        USERS,
        2,
        'SN-1,Ann Admin,ann@acme.test,020 7946 0001 ext 5,global_admin',
        "users.csv:2: phone '020 7946 0001 ext 5' may only contain digits, spaces and + - ( ) .",
    ),
    (
        USERS,
        2,
        'SN-1,Ann Admin,ann@acme.test,+44 (0)20 7946-0001 0002 0003 0004,global_admin',
        "users.csv:2: phone '+44 (0)20 7946-0001 0002 0003 0004' is 34 characters long; at most 32 are allowed",
    ),
    (
        USERS,
        3,
        'SN-2,Bob Viewer,bob@globex.test,,manager',
        "users.csv:3: role 'manager' is not one of global_admin, billing_admin, viewer, user, vendor_admin, sales",
    ),
    # licences.csv
    (
        POOLS,
        1,
        'serial_number,kind,total,in_use,expiry_date,price',
        "licences.csv:1: unknown column 'price'; the columns are serial_number, kind, total, in_use, expiry_date",
    ),
    (
        POOLS,
        4,
        'SN-9,managed_agent,10,0,2026-12-31',
        "licences.csv:4: serial_number 'SN-9' is not an organisation in organisations.csv or in the database",
    ),
    (POOLS, 4, 'SN-2,seats,10,0,2026-12-31', "licences.csv:4: kind 'seats' is not one of managed_agent, on_demand"),
    (
        POOLS,
        5,
        'SN-1,managed_agent,60,0,2027-03-31',
        'licences.csv:5: SN-1 already has a managed_agent row on line 2; there can be one per organisation and kind',
    ),
    (POOLS, 4, 'SN-2,managed_agent,-5,0,2026-12-31', "licences.csv:4: total '-5' is not a whole number of 0 or more"),
    (POOLS, 4, 'SN-2,managed_agent,2.5,0,2026-12-31', "licences.csv:4: total '2.5' is not a whole number of 0 or more"),
    (POOLS, 4, 'SN-2,managed_agent,10,,2026-12-31', 'licences.csv:4: in_use is required but empty'),
    (POOLS, 4, 'SN-2,managed_agent,10,11,2026-12-31', 'licences.csv:4: in_use 11 is more than total 10'),
    (
        POOLS,
        4,
        'SN-2,managed_agent,3000000000,0,2026-12-31',
        "licences.csv:4: total '3000000000' is too large; at most 2,147,483,647 is allowed",
    ),
    (
        POOLS,
        4,
        'SN-2,managed_agent,10,0,end of 2026',
        "licences.csv:4: expiry_date 'end of 2026' is not a date in the form YYYY-MM-DD",
    ),
    # licence_history.csv
    (
        HISTORY,
        3,
        'SN-9,2026-01-01T09:00:00Z,Admin Team,trial_started,,,,',
        "licence_history.csv:3: serial_number 'SN-9' is not an organisation in organisations.csv or in the database",
    ),
    (
        HISTORY,
        3,
        'SN-2,2026-01-01T09:00:00,Admin Team,trial_started,,,,',
        "licence_history.csv:3: occurred_at '2026-01-01T09:00:00' has no offset from UTC; add 'Z' for UTC or one "
        "such as '+01:00'",
    ),
    (
        HISTORY,
        3,
        'SN-2,2026-01-01,Admin Team,trial_started,,,,',
        "licence_history.csv:3: occurred_at '2026-01-01' is not an ISO 8601 timestamp such as 2026-03-01T10:15:00Z",
    ),
    (
        HISTORY,
        3,
        'SN-2,2026-13-01T09:00:00Z,Admin Team,trial_started,,,,',
        "licence_history.csv:3: occurred_at '2026-13-01T09:00:00Z' is not an ISO 8601 timestamp such as "
        '2026-03-01T10:15:00Z',
    ),
    (HISTORY, 3, 'SN-2,2026-01-01T09:00:00Z,,trial_started,,,,', 'licence_history.csv:3: actor is required but empty'),
    (
        HISTORY,
        3,
        f'SN-2,2026-01-01T09:00:00Z,{LONG},trial_started,,,,',
        'licence_history.csv:3: actor is 201 characters long; at most 200 are allowed',
    ),
    (
        HISTORY,
        3,
        'SN-2,2026-01-01T09:00:00Z,Admin Team,renewed,,,,',
        "licence_history.csv:3: action 'renewed' is not one of expiry_changed, licences_increased, licences_decreased, "
        'trial_started, trial_converted, other',
    ),
    (
        HISTORY,
        3,
        'SN-2,2026-01-01T09:00:00Z,Admin Team,other,seats,,,',
        "licence_history.csv:3: kind 'seats' is not one of managed_agent, on_demand",
    ),
    (
        HISTORY,
        3,
        f'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,{LONG},,',
        'licence_history.csv:3: old_value is 201 characters long; at most 200 are allowed',
    ),
    (
        HISTORY,
        3,
        f'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,,{LONG},',
        'licence_history.csv:3: new_value is 201 characters long; at most 200 are allowed',
    ),
    (
        HISTORY,
        3,
        f'SN-2,2026-01-01T09:00:00Z,Admin Team,other,,,,{"n" * 1001}',
        'licence_history.csv:3: note is 1,001 characters long; at most 1,000 are allowed',
    ),
    (
        HISTORY,
        3,
        'SN-2,"2026-01-01T09:00:00Z"x,Admin Team,other,,,,',
        "licence_history.csv:3: the CSV cannot be read from here on: ',' expected after '\"'",
    ),
    (
        HISTORY,
        2,
        'SN-1,2026-03-01T10:15:00Z,Admin Team,other,,,,"a note\nover two lines"\nSN-1,2026-03-01,Admin Team,other,,,,',
        "licence_history.csv:4: occurred_at '2026-03-01' is not an ISO 8601 timestamp such as 2026-03-01T10:15:00Z",
    ),
]
