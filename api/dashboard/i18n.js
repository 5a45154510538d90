// Perspectief programme dashboard: the page's texts in Dutch (the default) and English.
//
// MESSAGES maps a message id to [Dutch, English]. {name} in a message is a placeholder:
// t(id, {name: value}) puts text there, and an element with data-i18n="id" keeps its
// children with data-slot="name" (figures, dates) and puts them there. Both languages must
// have the same placeholders; a message missing in one language, or an unknown id, is
// reported on the console (the browser test fails on console errors).
//
// The chosen language is the only thing the page keeps in localStorage (LANG_KEY).

export const LANG_KEY = 'perspectief.dashboard.lang';

// lang -> [index in MESSAGES, Intl locale, html lang]
const LANGS = {
  nl: [0, 'nl-NL', 'nl'],
  en: [1, 'en-GB', 'en'],
};

const MESSAGES = {
  // Page frame
  'page.title': ['Perspectief · dashboard van het programma', 'Perspectief · programme dashboard'],
  'page.skip': ['Direct naar de inhoud', 'Skip to the main content'],
  'page.sub': ['24-uursopvang voor ongedocumenteerden · Amsterdam',
    '24-hour shelter programme for undocumented migrants · Amsterdam'],
  'lang.group': ['Taal', 'Language'],
  'session.as': ['Ingelogd als', 'Signed in as'],
  'session.signOut': ['Uitloggen', 'Sign out'],
  'footer.text': ['Perspectief toont alleen aantallen. De cijfers komen uit het gebeurtenissenlogboek ' +
    'van het programma en zijn dezelfde als die van de read models van de API ({models}).',
  'Perspectief shows counts only. The figures come from the programme\'s event log and are the ' +
    'same as the read models of the API ({models}).'],

  // Sign-in
  'signIn.title': ['Inloggen op het dashboard van het programma', 'Sign in to the programme dashboard'],
  'signIn.intro': ['Het dashboard toont de cijfers van het programma voor de regiegroep (regie), ' +
    'onderzoekers en de partners in de opvang. Het toont alleen aantallen: geen namen, ' +
    'dossiernummers of andere persoonsgegevens.',
  'The dashboard shows the programme\'s figures for the coordination group (regie), researchers ' +
    'and the partners in the shelter. It shows counts only: no names, case numbers or other ' +
    'personal data.'],
  'signIn.token': ['Toegangstoken', 'Access token'],
  'signIn.hint': ['Uw token wordt alleen in dit browsertabblad bewaard en verdwijnt als u uitlogt of ' +
    'het tabblad sluit.',
  'Your token is kept in this browser tab only and is removed when you sign out or close the tab.'],
  'signIn.button': ['Inloggen', 'Sign in'],
  'signIn.busy': ['Bezig met inloggen…', 'Signing in…'],
  'signIn.empty': ['Vul uw toegangstoken in.', 'Enter your access token.'],
  'signIn.refused': ['Dit token wordt niet geaccepteerd. Controleer het en probeer het opnieuw.',
    'This token was not accepted. Check it and try again.'],
  'signIn.ended': ['Uw sessie is beëindigd: de server accepteert het token niet meer. Log opnieuw in.',
    'Your session has ended: the server no longer accepts the token. Please sign in again.'],
  'signIn.noRole': ['Deze rol mag de cijfers van het programma niet inzien.',
    'This role may not read the programme\'s figures.'],
  'signIn.offline': ['De server is niet bereikbaar. Controleer uw verbinding en probeer het opnieuw.',
    'The server could not be reached. Check your connection and try again.'],
  'signIn.signedOut': ['U bent uitgelogd.', 'You are signed out.'],

  // Roles
  'role.regie': ['Regie (regiegroep)', 'Regie (coordination group)'],
  'role.researcher': ['Onderzoeker', 'Researcher'],
  'role.housing': ['Opvangpartner', 'Housing partner'],
  'role.intake': ['Intake', 'Intake'],
  'role.casework': ['Casemanagement (juridisch of terugkeer)', 'Case work (legal or return)'],
  'role.participation': ['Participatiepartner', 'Participation partner'],
  'role.limited': ['Beperkte toegang', 'Limited access'],
  'restricted.one': ['Als {role} mag u {list} niet inzien; dat paneel is verborgen.',
    'As {role} you may not see {list}; that panel is hidden.'],
  'restricted.many': ['Als {role} mag u {list} niet inzien; die panelen zijn verborgen.',
    'As {role} you may not see {list}; those panels are hidden.'],
  'restricted.role.regie': ['regie', 'regie'],
  'restricted.role.researcher': ['onderzoeker', 'a researcher'],
  'restricted.role.housing': ['opvangpartner', 'a housing partner'],
  'restricted.role.intake': ['medewerker intake', 'intake'],
  'restricted.role.casework': ['casemanager (juridisch of terugkeer)', 'a case worker (legal or return)'],
  'restricted.role.participation': ['participatiepartner', 'a participation partner'],
  'restricted.role.limited': ['deze rol', 'this role'],

  // The read models, as the error banner and the restricted note name them
  'model.occupancy': ['de bezetting', 'occupancy'],
  'model.alerts': ['de signalen verblijfsduur', 'the stay-duration alerts'],
  'model.escalations': ['de open escalaties', 'the open escalations'],
  'model.utilisation': ['de benutting', 'utilisation'],
  'model.outcomes': ['de uitstroomresultaten', 'the outcomes'],
  'model.funnel': ['de intake en plaatsingsbesluiten', 'the intake funnel'],
  'model.perspective': ['het perspectief', 'perspective'],
  'model.participation': ['de participatie', 'participation'],
  'model.series': ['de ontwikkeling per maand', 'the trends'],
  'model.report': ['de maandrapportage', 'the monthly report'],
  'model.quality': ['de datakwaliteit', 'data quality'],
  'model.returns': ['de hernieuwde aanmeldingen', 'the returns to the programme'],

  // Toolbar, status and errors
  'dash.title': ['Dashboard van het programma', 'Programme dashboard'],
  'dash.range': ['Bezetting, signalen verblijfsduur, escalaties, datakwaliteit en actieve deelnemers ' +
    'per traject aan het eind van {asOf} (23:59:59 UTC). Benutting, uitstroom, intake, ' +
    'participatie, hernieuwde aanmeldingen en de tijd tot een duidelijk perspectief ' +
    '(toegelaten deelnemers) over de 12 maanden van {from} tot en met {to}.',
  'Occupancy, stay-duration alerts, escalations, data quality and active cases by track as of ' +
    'the end of {asOf} (23:59:59 UTC). Utilisation, outcomes, intake, participation, returns ' +
    'and the time to a clear perspective (cases admitted) over the 12 months from {from} up to ' +
    'and including {to}.'],
  'dash.asOf': ['Cijfers per', 'Figures as of'],
  'dash.today': ['Vandaag', 'Today'],
  'dash.retry': ['Opnieuw proberen', 'Try again'],
  'status.loading': ['De cijfers per {date} worden geladen…', 'Loading the figures as of {date}…'],
  'status.ready': ['Cijfers per {date}.', 'Figures as of {date}.'],
  'error.offline': ['De cijfers konden niet worden geladen: de server is niet bereikbaar. ' +
    'Controleer uw verbinding en probeer het opnieuw. De getoonde cijfers kunnen verouderd zijn.',
  'The figures could not be loaded: the server could not be reached. Check your connection ' +
    'and try again. The figures shown may be out of date.'],
  'error.some': ['Een deel van de cijfers kon niet worden geladen: {list}. De getoonde cijfers ' +
    'hiervan kunnen verouderd zijn.',
  'Some figures could not be loaded: {list}. The figures shown for these may be out of date.'],
  'error.item': ['{model} ({problem})', '{model} ({problem})'],
  'error.render': ['het antwoord kon niet worden getoond', 'the answer could not be shown'],
  'error.unreachable': ['de server is niet bereikbaar', 'the server could not be reached'],
  'error.status': ['de server antwoordde {status}', 'the server answered {status}'],
  'error.statusDetail': ['de server antwoordde {status}: {detail}', 'the server answered {status}: {detail}'],

  // Key figures
  'kpi.label': ['Kerncijfers', 'Key figures'],
  'kpi.occupied': ['Bezette plaatsen', 'Occupied places'],
  'kpi.occupied.sub': ['van {places} plaatsen · {share} bezet', 'of {places} places · {share} full'],
  'kpi.waiting': ['Wacht op een bed', 'Waiting for a bed'],
  'kpi.waiting.sub': ['{n} op de wachtlijst', '{n} on the waiting list'],
  'kpi.utilisation': ['Benutting, 12 maanden', 'Utilisation, 12 months'],
  'kpi.utilisation.sub': ['van de beschikbare bednachten', 'of the bed nights available'],
  'kpi.alerts': ['Signalen verblijfsduur', 'Stay-duration alerts'],
  'kpi.alerts.sub': ['verblijf langer dan 12 maanden of over de termijn', 'stays past 12 months or the limit'],
  'kpi.escalations': ['Open escalaties', 'Open escalations'],
  'kpi.escalations.sub': ['nog niet afgehandeld', 'not yet resolved'],
  'kpi.outcomes': ['Uitstroom, 12 maanden', 'Stays ended, 12 months'],
  'kpi.outcomes.sub': ['{share} met een duurzame oplossing', '{share} with a durable solution'],

  // Funding and locations
  'funding.title': ['Bezetting per financieringsstroom', 'Occupancy by funding stream'],
  'funding.note': ['Bezette plaatsen tegenover de plaatsen van elke stroom: de landelijke ' +
    'LVV-plaatsen en de gemeentelijke plaatsen.',
  'Occupied places against the places of each stream: national LVV funding and the ' +
    'municipality\'s own places.'],
  'funding.places': ['Plaatsen in totaal', 'Places in all'],
  'funding.occupied': ['Bezet', 'Occupied'],
  'funding.free': ['Vrij', 'Free'],
  'funding.lvv': ['LVV-plaatsen (landelijk)', 'National LVV places'],
  'funding.municipal': ['Gemeentelijke plaatsen', 'Municipal places'],
  'funding.legend.occupied': ['Bezet', 'Occupied'],
  'funding.legend.places': ['Plaatsen', 'Places'],
  'funding.value': ['{occupied} van {places}', '{occupied} of {places}'],
  'funding.title.occupied': ['{label}: {n} bezet', '{label}: {n} occupied'],
  'funding.title.places': ['{label}: {n} plaatsen', '{label}: {n} places'],
  'locations.title': ['Bezetting per locatie', 'Occupancy by location'],
  'locations.note': ['Bezette bedden (donker) tegenover de bedden van elke locatie (licht).',
    'Occupied beds (dark) against the beds of each location (light).'],
  'locations.none': ['Op deze datum was nog geen locatie geopend.', 'No location had opened by this date.'],
  'locations.closed': ['gesloten', 'closed'],
  'locations.legend.occupied': ['Bezette bedden', 'Occupied beds'],
  'locations.legend.beds': ['Bedden', 'Beds'],
  'locations.title.occupied': ['{name}: {n} bezet', '{name}: {n} occupied'],
  'locations.title.beds': ['{name}: {n} bedden', '{name}: {n} beds'],

  // Utilisation
  'utilisation.title': ['Benutting over 12 maanden', 'Utilisation over 12 months'],
  'utilisation.note': ['Gebruikte bednachten als deel van de beschikbare bednachten (een nacht telt ' +
    'als er aan het eind van de dag een bewoner in het bed verbleef).',
  'Bed nights used as a share of the bed nights available (a night counts when a resident was ' +
    'housed at the end of the day).'],
  'utilisation.programme': ['Programma', 'Programme'],
  'utilisation.used': ['Gebruikte bednachten', 'Bed nights used'],
  'utilisation.available': ['Beschikbare bednachten', 'Bed nights available'],
  'utilisation.none': ['In deze periode was geen locatie open.', 'No location was open in this period.'],
  'utilisation.legend.rate': ['Deel van de bednachten gebruikt', 'Share of bed nights used'],
  'utilisation.legend.programme': ['Programma als geheel', 'Programme as a whole'],
  'utilisation.bar': ['{name}: {rate} ({used} van {available} bednachten)',
    '{name}: {rate} ({used} of {available} bed nights)'],

  // Alerts and escalations
  'alerts.title': ['Signalen verblijfsduur', 'Stay-duration alerts'],
  'alerts.note': ['Bewoners in de opvang op de datum, naar verblijfsduur: heroverweging vanaf 12 ' +
    'maanden, waarschuwing vanaf 15, laatste signaal vanaf 17, overschreden na de ' +
    'verblijfstermijn. Alleen aantallen.',
  'Residents housed at the date, by how long they have stayed: review from 12 months, warning ' +
    'from 15, final from 17, exceeded past the stay limit. Counts only.'],
  'alerts.total': ['Signalen in totaal', 'Alerts in all'],
  'alerts.review': ['Heroverweging (12 maanden)', 'Review (12 months)'],
  'alerts.warning': ['Waarschuwing (15 maanden)', 'Warning (15 months)'],
  'alerts.final': ['Laatste signaal (17 maanden)', 'Final (17 months)'],
  'alerts.exceeded': ['Termijn overschreden', 'Limit exceeded'],
  'alerts.bar': ['{label}: {n} bewoners', '{label}: {n} residents'],
  'escalations.title': ['Open escalaties', 'Open escalations'],
  'escalations.note': ['Escalaties die op de datum zijn gestart en nog niet afgehandeld, naar niveau. ' +
    'Alleen aantallen.',
  'Escalations raised and not yet resolved at the date, by level. Counts only.'],
  'escalations.total': ['Open in totaal', 'Open in all'],
  'escalations.warning': ['Waarschuwing', 'Warning'],
  'escalations.final_warning': ['Laatste waarschuwing', 'Final warning'],
  'escalations.termination_proposed': ['Beëindiging voorgesteld', 'Termination proposed'],
  'escalations.bar': ['{label}: {n} open', '{label}: {n} open'],

  // Intake funnel
  'funnel.title': ['Intake en plaatsingsbesluiten, 12 maanden', 'Intake funnel, 12 months'],
  'funnel.note': ['Aanmeldingen, afgeronde intakes en plaatsingsbesluiten in de periode. Dit zijn ' +
    'gebeurtenissen: iemand op de wachtlijst over wie opnieuw wordt besloten, telt twee keer.',
  'Registrations, completed intakes and placement decisions in the period. These count events: ' +
    'a waitlisted person decided on again counts twice.'],
  'funnel.registered': ['Aangemeld', 'Registered'],
  'funnel.intake': ['Intake afgerond', 'Intake completed'],
  'funnel.decisions': ['Plaatsingsbesluiten', 'Placement decisions'],
  'funnel.admitted': ['Toegelaten', 'Admitted'],
  'funnel.rejected': ['Afgewezen', 'Rejected'],
  'funnel.referred': ['Doorverwezen', 'Referred elsewhere'],
  'funnel.waitlisted': ['Op de wachtlijst', 'Waitlisted'],
  'funnel.bar': ['{label}: {n}', '{label}: {n}'],

  // Outcomes
  'outcomes.title': ['Uitstroom: resultaten van beëindigde verblijven, 12 maanden',
    'Outcomes of stays ended, 12 months'],
  'outcomes.byClass': ['Naar soort oplossing', 'By class'],
  'outcomes.neverHoused': ['Waarvan nooit in de opvang geweest: {n}.', 'Of which never housed: {n}.'],
  'outcomes.byTrack': ['Naar gekozen traject', 'By track chosen'],
  'outcomes.byTrack.note': ['Het laatste traject dat vóór het einde van het verblijf is gekozen.',
    'The last guidance track chosen before the stay ended.'],
  'outcomes.tracksTable': ['Uitstroom naar gekozen traject, als tabel', 'Outcomes by track chosen, as a table'],
  'outcomes.byOutcome': ['Naar resultaat, met de verblijfsduur', 'By outcome, with the length of stay'],
  'outcomes.none': ['In deze periode zijn geen verblijven beëindigd.', 'No stays ended in this period.'],
  'outcomes.donut': ['Uitstroom naar soort oplossing', 'Outcomes by class'],
  'outcomes.donut.caption': ['beëindigd', 'stays ended'],
  'outcomes.trackBar': ['{track}, {cls}: {n}', '{track}, {cls}: {n}'],
  'outcomes.tracksCaption': ['Beëindigde verblijven naar traject en resultaat', 'Stays ended by track and outcome'],
  'outcomes.outcomesCaption': ['Beëindigde verblijven naar resultaat, met de verblijfsduur',
    'Stays ended by outcome, with the length of stay'],
  'outcomes.col.outcome': ['Resultaat', 'Outcome'],
  'outcomes.col.class': ['Soort oplossing', 'Class'],
  'outcomes.col.count': ['Beëindigd', 'Stays ended'],
  'outcomes.col.chart': ['Grafiek', 'Chart'],
  'outcomes.col.median': ['Mediane verblijfsduur (dagen)', 'Median stay (days)'],
  'outcomes.col.mean': ['Gemiddelde verblijfsduur (dagen)', 'Mean stay (days)'],
  'class.durable': ['Duurzame oplossing', 'Durable solution'],
  'class.semi_durable': ['Semi-duurzame oplossing', 'Semi-durable solution'],
  'class.no_solution': ['Geen oplossing', 'No solution'],
  'class.other': ['Overig', 'Other'],
  'outcome.residence_permit': ['Verblijfsvergunning', 'Residence permit'],
  'outcome.independent_return': ['Zelfstandige terugkeer', 'Independent return'],
  'outcome.onward_migration': ['Doormigratie', 'Onward migration'],
  'outcome.new_asylum_application': ['Nieuwe asielaanvraag', 'New asylum application'],
  'outcome.medical_postponement': ['Medisch uitstel van vertrek', 'Medical postponement of departure'],
  'outcome.forced_departure': ['Gedwongen vertrek', 'Forced departure'],
  'outcome.detention': ['Vreemdelingenbewaring', 'Immigration detention'],
  'outcome.left_unknown': ['Vertrokken met onbekende bestemming', 'Left, destination unknown'],
  'outcome.removed_non_cooperation': ['Verwijderd wegens niet meewerken', 'Removed for non-cooperation'],
  'outcome.transferred_other_shelter': ['Overgeplaatst naar een andere opvang', 'Transferred to another shelter'],
  'outcome.deceased': ['Overleden', 'Deceased'],
  'outcome.other': ['Overig', 'Other'],
  'track.legal_stay_nl': ['Legaal verblijf in Nederland', 'Legal stay in the Netherlands'],
  'track.return': ['Terugkeer', 'Return'],
  'track.onward_migration': ['Doormigratie', 'Onward migration'],
  'track.undecided': ['Nog onbeslist', 'Undecided'],
  'track.none': ['Geen traject gekozen', 'No track chosen'],
  'track.none.active': ['Nog geen traject gekozen', 'No track chosen yet'],

  // Perspective
  'perspective.title': ['Perspectief', 'Perspective'],
  'perspective.active': ['Actieve deelnemers per traject', 'Active cases by guidance track'],
  'perspective.active.note': ['Deelnemers in het programma op de datum (toegelaten, verblijf niet ' +
    'beëindigd), naar het laatste traject dat met hen is gekozen.',
  'Cases in the programme at the date (admitted, stay not ended), by the last guidance track ' +
    'chosen with them.'],
  'perspective.days': ['Tijd tot een duidelijk perspectief, 12 maanden', 'Time to a clear perspective, 12 months'],
  'perspective.days.note': ['Deelnemers toegelaten in de 12 maanden (naar de datum van het ' +
    'plaatsingsbesluit) die op de datum een ander traject dan "nog onbeslist" hadden gekozen, en ' +
    'het mediane aantal dagen van het besluit tot die eerste keuze.',
  'Cases admitted in the 12 months (by the date of the placement decision) that had chosen a ' +
    'track other than undecided by the date, and the median number of days from the decision ' +
    'to that first choice.'],
  'perspective.days.median': ['mediaan aantal dagen van toelating tot een traject',
    'median days from admission to a track'],
  'perspective.days.cases': ['deelnemers toegelaten in de 12 maanden met een gekozen traject',
    'cases admitted in the 12 months with a track chosen'],
  'perspective.donut': ['Actieve deelnemers per traject', 'Active cases by track'],
  'perspective.donut.caption': ['actief', 'active cases'],

  // Participation
  'participation.title': ['Participatie, 12 maanden', 'Participation, 12 months'],
  'participation.note': ['Activiteiten met bewoners, vrijwilligers en buurtbewoners, en de ' +
    'buurtcontacten van de opvangpartners per locatie. Activiteiten leggen aantallen vast, nooit ' +
    'namen: een bewoner bij drie activiteiten telt als drie deelnames.',
  'Activities held with residents, volunteers and neighbours, and the housing partners\' contacts ' +
    'with the neighbourhood of each location. Activities record counts, never names: a resident ' +
    'at three activities is three attendances.'],
  'participation.held': ['Activiteiten gehouden', 'Activities held'],
  'participation.attendances': ['Deelnames van bewoners', 'Resident attendances'],
  'participation.cases': ['Deelnemers die meedoen', 'Cases taking part'],
  'participation.volunteers': ['Vrijwilligers', 'Volunteers'],
  'participation.hours': ['Uren vrijwilligerswerk', 'Volunteer hours'],
  'participation.neighbours': ['Buurtbewoners die meedoen', 'Neighbours taking part'],
  'participation.coDesigned': ['Samen met bewoners opgezet', 'Co-designed with residents'],
  'participation.byCategory': ['Activiteiten naar soort', 'Activities held by category'],
  'participation.contacts': ['Buurtcontacten per locatie', 'Neighbourhood contacts by location'],
  'participation.contactsTable': ['Buurtcontacten per locatie en soort, als tabel',
    'Neighbourhood contacts by location and kind, as a table'],
  'participation.contactsCaption': ['Buurtcontacten per locatie en soort', 'Neighbourhood contacts by location and kind'],
  'participation.col.location': ['Locatie', 'Location'],
  'participation.heldBar': ['{label}: {n} gehouden', '{label}: {n} held'],
  'participation.contactBar': ['{name}, {kind}: {n}', '{name}, {kind}: {n}'],
  'activity.language': ['Taal', 'Language'],
  'activity.work_skills': ['Werkvaardigheden', 'Work skills'],
  'activity.sport': ['Sport', 'Sport'],
  'activity.culture': ['Cultuur', 'Culture'],
  'activity.health': ['Gezondheid', 'Health'],
  'activity.information': ['Voorlichting', 'Information'],
  'activity.other': ['Overig', 'Other'],
  'contact.meeting': ['Bijeenkomst', 'Meeting'],
  'contact.visit': ['Bezoek', 'Visit'],
  'contact.complaint': ['Klacht', 'Complaint'],
  'contact.compliment': ['Compliment', 'Compliment'],
  'contact.volunteer_help': ['Hulp van vrijwilligers', 'Volunteer help'],

  // Trends
  'trends.title': ['Ontwikkeling per maand', 'Trends'],
  'trends.note': ['Per kalendermaand, geteld zoals de read models die maand tellen (van de eerste ' +
    'tot en met de laatste dag). Bezet: in de opvang; actief: toegelaten of in de opvang; ' +
    'instroom: deelnemers die hun eerste bed kregen; uitstroom: beëindigde verblijven. De ' +
    'lopende maand telt tot nu.',
  'Per calendar month, counted as the read models count that month (first to last day). ' +
    'Occupied: housed; active: admitted or housed; inflow: cases given their first bed; ' +
    'outflow: stays ended. The current month counts up to now.'],
  'trends.from': ['Van', 'From'],
  'trends.to': ['Tot en met', 'Up to and including'],
  'trends.badRange': ['Kies een eerste maand die niet na de laatste ligt, en hooguit 120 maanden.',
    'Choose a first month that is not after the last one, and at most 120 months.'],
  'trends.occupancy': ['Bezetting aan het eind van de maand', 'Occupancy at the end of the month'],
  'trends.flow': ['Instroom en uitstroom', 'Inflow and outflow'],
  'trends.classes': ['Uitstroom naar soort oplossing', 'Outflow by class'],
  'trends.max': ['hoogste: {n}', 'highest: {n}'],
  'trends.legend.occupied': ['Bezet', 'Occupied'],
  'trends.legend.active': ['Actief', 'Active'],
  'trends.legend.inflow': ['Instroom', 'Inflow'],
  'trends.legend.outflow': ['Uitstroom', 'Outflow'],
  'trends.chart.occupancy': ['Bezetting aan het eind van elke maand van {from} tot en met {to}',
    'Occupancy at the end of each month from {from} to {to}'],
  'trends.chart.flow': ['Instroom en uitstroom per maand van {from} tot en met {to}',
    'Inflow and outflow per month from {from} to {to}'],
  'trends.chart.classes': ['Uitstroom naar soort oplossing per maand van {from} tot en met {to}',
    'Outflow by class per month from {from} to {to}'],
  'trends.point.occupancy': ['{month}: bezet {occupied}, actief {active}', '{month}: occupied {occupied}, active {active}'],
  'trends.point.flow': ['{month}: instroom {inflow}, uitstroom {outflow}', '{month}: inflow {inflow}, outflow {outflow}'],
  'trends.point.class': ['{month}, {cls}: {n}', '{month}, {cls}: {n}'],
  'trends.table': ['De cijfers per maand, als tabel', 'The figures per month, as a table'],
  'trends.caption': ['Ontwikkeling per maand', 'Figures per month'],
  'trends.col.month': ['Maand', 'Month'],
  'trends.col.active': ['Actief', 'Active'],
  'trends.col.occupied': ['Bezet', 'Occupied'],
  'trends.col.inflow': ['Instroom', 'Inflow'],
  'trends.col.outflow': ['Uitstroom', 'Outflow'],
  'trends.col.median': ['Mediane verblijfsduur uitstroom (dagen)', 'Median stay of outflow (days)'],
  'trends.col.registered': ['Aangemeld', 'Registered'],
  'trends.col.admitted': ['Toegelaten', 'Admitted'],
  'trends.col.durable': ['Duurzaam', 'Durable'],
  'trends.col.semi_durable': ['Semi-duurzaam', 'Semi-durable'],
  'trends.col.no_solution': ['Geen oplossing', 'No solution'],
  'trends.col.other': ['Overig', 'Other'],
  'trends.none': ['Geen maanden om te tonen.', 'No months to show.'],

  // Monthly report
  'report.title': ['Maandrapportage', 'Monthly report'],
  'report.month': ['Maand', 'Month'],
  'report.note': ['Het maandrapport zoals de regiegroep het rapporteert (GET /v1/reports/monthly): ' +
    'de kerncijfers van de gekozen maand. De JSON-download is precies het antwoord van de API; ' +
    'met dezelfde stand van de registratie (knownAt) geeft de API later exact hetzelfde ' +
    'rapport. De CSV-download bevat dezelfde cijfers, één regel per cijfer.',
  'The monthly report as the coordination group reports it (GET /v1/reports/monthly): the key ' +
    'figures of the chosen month. The JSON download is exactly the API\'s answer; with the same ' +
    'state of the record (knownAt) the API gives exactly the same report later. The CSV download ' +
    'holds the same figures, one row per figure.'],
  'report.activeAtStart': ['Actief aan het begin', 'Active at the start'],
  'report.activeAtEnd': ['Actief aan het eind', 'Active at the end'],
  'report.inflow': ['Instroom', 'Inflow'],
  'report.outflow': ['Uitstroom', 'Outflow'],
  'report.occupied': ['Bezet aan het eind', 'Occupied at the end'],
  'report.places': ['Plaatsen', 'Places'],
  'report.utilisation': ['Benutting', 'Utilisation'],
  'report.registered': ['Aangemeld', 'Registered'],
  'report.admitted': ['Toegelaten', 'Admitted'],
  'report.durable': ['Uitstroom met duurzame oplossing', 'Stays ended with a durable solution'],
  'report.alerts': ['Signalen verblijfsduur', 'Stay-duration alerts'],
  'report.escalations': ['Open escalaties', 'Open escalations'],
  'report.stamp': ['Stand van de registratie (knownAt): {knownAt} · logpositie {position}',
    'State of the record (knownAt): {knownAt} · log position {position}'],
  'report.digest': ['Controlegetal (SHA-256): {digest}', 'Digest (SHA-256): {digest}'],
  'report.json': ['JSON downloaden', 'Download JSON'],
  'report.csv': ['CSV downloaden', 'Download CSV'],

  // Data quality
  'quality.title': ['Datakwaliteit', 'Data quality'],
  'quality.note': ['Dossiers die de regiegroep moet nalopen, op de datum. Het dashboard toont alleen ' +
    'de aantallen: welke dossiers het zijn, staat in GET /v1/data-quality (voor regie en intake).',
  'Records the coordination group should chase, as of the date. The dashboard shows the counts ' +
    'only: which cases they are is in GET /v1/data-quality (for regie and intake).'],
  'quality.admitted_without_bed': ['Toegelaten zonder bed', 'Admitted without a bed'],
  'quality.admitted_without_bed.note': ['Toegelaten (plaatsingsbesluit meer dan 14 dagen geleden), nog geen bed toegewezen.',
    'Admitted (placement decision more than 14 days ago), no bed assigned yet.'],
  'quality.housed_without_case_manager': ['In de opvang zonder casemanager', 'Housed without a case manager'],
  'quality.housed_without_case_manager.note': ['In de opvang, maar er is nooit een casemanager toegewezen.',
    'Housed, but no case manager was ever assigned.'],
  'quality.intake_without_decision': ['Intake zonder plaatsingsbesluit', 'Intake without a placement decision'],
  'quality.intake_without_decision.note': ['Intake meer dan 14 dagen geleden afgerond, nog geen plaatsingsbesluit.',
    'Intake completed more than 14 days ago, no placement decision yet.'],
  'quality.past_stay_limit_without_extension': ['Over de verblijfstermijn zonder verlenging',
    'Past the stay limit without an extension'],
  'quality.past_stay_limit_without_extension.note': ['In de opvang na de maximale verblijfsduur, zonder ' +
    'besluit tot verlenging (StayExtended).',
  'Housed past the stay limit, and no extension (StayExtended) decided.'],
  'quality.ended_without_exit_interview': ['Uitgestroomd zonder exitgesprek', 'Ended without an exit interview'],
  'quality.ended_without_exit_interview.note': ['Verblijf meer dan 30 dagen geleden beëindigd, geen exitgesprek vastgelegd.',
    'Stay ended more than 30 days ago, no exit interview recorded.'],
  'quality.escalation_open_long': ['Escalatie lang open', 'Escalation open for long'],
  'quality.escalation_open_long.note': ['Een escalatie die meer dan 90 dagen geleden is gestart, staat nog open.',
    'An escalation raised more than 90 days ago is still open.'],
  'quality.registered_without_intake': ['Aangemeld zonder intake', 'Registered without an intake'],
  'quality.registered_without_intake.note': ['Meer dan 30 dagen geleden aangemeld, intake nog niet afgerond.',
    'Registered more than 30 days ago, intake not completed.'],
  'quality.unknown.note': ['Een controle die deze versie van het dashboard nog niet kent.',
    'A check this version of the dashboard does not know yet.'],

  // Returns to the programme
  'returns.title': ['Opnieuw aangemeld na uitstroom', 'Returns to the programme'],
  'returns.note': ['Verblijven beëindigd in de 12 maanden, naar soort oplossing, en hoeveel van die ' +
    'mensen binnen 6, 12 of 24 maanden na het einde opnieuw zijn aangemeld. Een venster is pas ' +
    'volledig als het verblijf zo lang geleden eindigde.',
  'Stays ended in the 12 months, by class, and how many of those people registered again within ' +
    '6, 12 or 24 months of the end. A window is complete only once the stay ended that long ago.'],
  'returns.caption': ['Hernieuwde aanmeldingen naar soort oplossing', 'Returns to the programme by class'],
  'returns.col.class': ['Soort oplossing', 'Class'],
  'returns.col.ended': ['Beëindigd', 'Stays ended'],
  'returns.col.back': ['Opnieuw aangemeld binnen', 'Registered again within'],
  'returns.col.6': ['6 maanden', '6 months'],
  'returns.col.12': ['12 maanden', '12 months'],
  'returns.col.24': ['24 maanden', '24 months'],
};

// The messages that are the same in both languages. Any other message the same in Dutch
// and English is reported: most likely a text copied and not translated.
const SAME = new Set(['role.intake', 'restricted.role.regie', 'error.item', 'escalations.bar',
  'funnel.bar', 'outcomes.trackBar', 'participation.contactBar', 'activity.sport',
  'contact.compliment', 'trends.point.class']);

// For tests: every message in both languages.
export { MESSAGES };

let current = 'nl';

function check() {
  for (const [id, pair] of Object.entries(MESSAGES)) {
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((m) => typeof m !== 'string' || !m)) {
      console.error(`i18n: message ${id} is not in both languages`);
      continue;
    }
    const names = pair.map((m) => [...m.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort().join(','));
    if (names[0] !== names[1]) console.error(`i18n: message ${id} has other placeholders in Dutch and English`);
    if ((pair[0] === pair[1]) !== SAME.has(id)) {
      console.error(`i18n: message ${id} is ${SAME.has(id) ? 'not ' : ''}the same in Dutch and English`);
    }
  }
}
check();

export function isLang(lang) {
  return Object.prototype.hasOwnProperty.call(LANGS, lang);
}

// The language stored by an earlier visit, else Dutch.
export function storedLang() {
  try {
    const lang = localStorage.getItem(LANG_KEY);
    return isLang(lang) ? lang : 'nl';
  } catch {
    return 'nl';
  }
}

export function lang() {
  return current;
}

export function locale() {
  return LANGS[current][1];
}

// Makes `lang` the page's language and remembers it (the only thing in localStorage).
export function setLang(lang, { remember = true } = {}) {
  if (!isLang(lang)) return;
  current = lang;
  document.documentElement.lang = LANGS[lang][2];
  if (remember) {
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // Storage refused (private mode): the choice lasts until the page is reloaded.
    }
  }
}

export function has(id) {
  return Object.prototype.hasOwnProperty.call(MESSAGES, id);
}

function message(id) {
  if (!has(id)) {
    console.error(`i18n: no message ${id}`);
    return id;
  }
  return MESSAGES[id][LANGS[current][0]];
}

// The message `id` with its placeholders filled from `params` (as text).
export function t(id, params = {}) {
  return message(id).replace(/\{(\w+)\}/g, (whole, name) =>
    (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

// The message `id` as a list of strings and nodes: a placeholder whose param is a Node gets
// that node, any other param its text.
export function tNodes(id, params = {}) {
  const out = [];
  const re = /\{(\w+)\}/g;
  const msg = message(id);
  let last = 0;
  for (let m = re.exec(msg); m; m = re.exec(msg)) {
    out.push(msg.slice(last, m.index));
    const value = params[m[1]];
    out.push(value === undefined ? m[0] : value instanceof Node ? value : String(value));
    last = m.index + m[0].length;
  }
  out.push(msg.slice(last));
  return out.filter((part) => part !== '');
}

// Puts the current language's texts into the static page: data-i18n (text, keeping the
// data-slot children) and data-i18n-attr ("attribute=id,attribute=id").
export function applyStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) {
    const slots = {};
    for (const child of node.querySelectorAll(':scope > [data-slot]')) {
      slots[child.getAttribute('data-slot')] = child;
    }
    node.replaceChildren(...tNodes(node.getAttribute('data-i18n'), slots));
  }
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.getAttribute('data-i18n-attr').split(',')) {
      const [attr, id] = pair.split('=').map((x) => x.trim());
      if (attr && id) node.setAttribute(attr, t(id));
    }
  }
}
