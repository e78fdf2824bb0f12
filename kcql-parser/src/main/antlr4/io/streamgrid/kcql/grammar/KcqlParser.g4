/*
 * KCQL statements. The top rule ends in EOF: nothing may be left over. Statements are separated
 * by ';' here, in the grammar, so a ';' inside quotes never splits a statement.
 * Clauses after FROM come in any order; a repeated clause is reported by the model builder.
 */
parser grammar KcqlParser;

options { tokenVocab = KcqlLexer; }

statements
  : SEMICOLON* statement+ EOF
  ;

// The end of a statement belongs to the statement, so a word after the last clause is reported
// with every clause keyword that could have stood there.
statement
  : writeMode INTO target=entityName SELECT selection FROM source=entityName clause* (SEMICOLON+ | EOF)
  ;

writeMode
  : INSERT
  | UPSERT
  ;

selection
  : selectItem (COMMA selectItem)*
  ;

selectItem
  : STAR                                  # selectAll
  | PATH_WILDCARD                         # selectChildren
  | field (AS alias=identifier)?          # selectField
  ;

fieldList
  : field (COMMA field)*
  ;

// A field may be named like any keyword but FROM (quote it: `from`), so that "SELECT FROM t"
// is reported as a missing field rather than read as a field named "from".
field
  : NAME
  | QUOTED_NAME
  | INT
  | fieldKeyword
  ;

clause
  : IGNORE fieldList                                                   # ignoreClause
  | PK fieldList                                                       # pkClause
  | (WITHFORMAT | WITH FORMAT) EQUALS? formatName=identifier           # formatClause
  | STOREAS EQUALS? storeType=entityName (LPAREN parameters? RPAREN)?  # storeAsClause
  | WITHKEY LPAREN fieldList RPAREN                                    # withKeyClause
  | KEYDELIMITER EQUALS? delimiter=quoted                              # keyDelimiterClause
  | WITHCONVERTER EQUALS? converterClass=entityName                    # converterClause
  | WITHREGEX EQUALS? regex=quoted                                     # regexClause
  | TTL EQUALS? ttl=INT                                                # ttlClause
  | BATCH EQUALS? batch=INT                                            # batchClause
  | LIMIT EQUALS? limit=INT                                            # limitClause
  | PROPERTIES LPAREN parameters RPAREN                                # propertiesClause
  | WITHTYPE EQUALS? sourceType=entityName                             # withTypeClause
  | WHERE condition                                                    # whereClause
  ;

// SQL's precedence: comparisons, then NOT, then AND, then OR (earlier alternatives bind tighter).
// An operand comes first and then what is said of it, so a condition cut short after its field is reported
// with the operators that could follow.
condition
  : LPAREN condition RPAREN                                            # groupedCondition
  | operand predicate                                                  # predicateCondition
  | NOT condition                                                      # notCondition
  | condition AND condition                                            # andCondition
  | condition OR condition                                             # orCondition
  ;

// Each alternative is told apart by its first token, so an error names what could have followed.
predicate
  : IS NOT? NULL                                                       # isNullPredicate
  | NOT? negatable                                                     # negatablePredicate
  | comparator operand                                                 # comparisonPredicate
  ;

// BETWEEN's AND belongs to BETWEEN: a BETWEEN 1 AND 2 AND b = 3 is (a BETWEEN 1 AND 2) AND (b = 3).
negatable
  : IN LPAREN operand (COMMA operand)* RPAREN                          # inTest
  | LIKE pattern=STRING                                                # likeTest
  | BETWEEN low=operand AND high=operand                               # betweenTest
  ;

comparator
  : EQUALS | NOT_EQUAL | LESS | LESS_EQUAL | GREATER | GREATER_EQUAL
  ;

// A number is an INT or a NAME that reads as one (3.5, -2, 1e3); any other NAME is a field. NULL is taken
// here only to refuse "= NULL" with a reason (it is never true in SQL).
operand
  : STRING                                                             # stringOperand
  | (TRUE | FALSE)                                                     # booleanOperand
  | NULL                                                               # nullOperand
  | conditionField                                                     # fieldOperand
  ;

// A field in a condition: the words that build conditions are reserved there (quote a field named so: `and`).
conditionField
  : NAME
  | QUOTED_NAME
  | INT
  | conditionKeyword
  ;

parameters
  : parameter (COMMA parameter)*
  ;

parameter
  : key=literal EQUALS value=literal
  ;

quoted
  : STRING
  | QUOTED_NAME
  ;

literal
  : identifier
  | STRING
  ;

entityName
  : identifier
  | STRING
  ;

identifier
  : NAME
  | QUOTED_NAME
  | INT
  | keyword
  ;

keyword
  : FROM
  | fieldKeyword
  ;

fieldKeyword
  : conditionKeyword
  | reservedInCondition
  | TRUE | FALSE
  ;

// The keywords that may name a field even inside a condition.
conditionKeyword
  : INSERT | UPSERT | INTO | SELECT | AS | IGNORE | PK | WITHFORMAT | WITH | FORMAT
  | STOREAS | WITHKEY | KEYDELIMITER | WITHCONVERTER | WITHREGEX | TTL | BATCH | LIMIT | PROPERTIES
  | WITHTYPE | WHERE
  ;

// The words a condition is built of: names everywhere else, reserved inside a condition.
reservedInCondition
  : AND | OR | NOT | IS | NULL | IN | LIKE | BETWEEN
  ;
