"""Given names the person recogniser knows, so "Maria Gonzalez" is a name and "Crohn disease" is not.

Common given names across the US, UK, Europe, Latin America, Africa, the Middle East and
Asia (census and registry frequency lists, trimmed by hand). Names that are also English words
or eponyms of diseases (May, Grace, Addison, Wilson, Graves...) are left out of ``GIVEN_ALONE``,
the set that flags a given name on its own ("David has HIV"), and only count as part of a full name.
"""

from __future__ import annotations

_GIVEN = """
Aaron Abdul Abdullah Abigail Ada Adam Adebayo Adriana Adrian Agnes Ahmed Ahmad Aisha Akira Alan Albert Alberto
Alejandro Alex Alexander Alexandra Alexis Alfred Ali Alice Alicia Alison Allison Alma Amanda Amber Amelia Amina Amir
Amit Amy Ana Anan Andre Andrea Andrew Andy Angela Angelo Anil Anita Ann Anna Anne Annie Anthony Antonio Anya Arjun
Arthur Ashley Audrey Ayesha Barbara Beatrice Benjamin Bernard Beth Betty Beverly Bianca Boris Brandon Brenda Brian
Bridget Bruce Bryan Camila Carl Carla Carlos Carmen Carol Caroline Catherine Cecilia Charles Charlotte Chen Cheryl
Chloe Chris Christian Christina Christine Christopher Claire Clara Claudia Colin Connor Craig Cynthia Daniel Daniela
Danielle David Deborah Debra Denise Dennis Diana Diane Diego Dimitri Divya Dmitri Dolores Donald Donna Doris Dorothy
Douglas Duncan Edith Eduardo Edward Eileen Elena Eleanor Elif Elizabeth Ella Ellen Elsa Emily Emma Emmanuel Eric
Erica Erik Esther Ethan Eugene Eva Evelyn Fatima Felix Fernando Fiona Florence Francesca Francis Francisco Frank
Fred Frederick Gabriel Gabriela Gary George Georgia Gerald Gerard Giovanni Giulia Giuseppe Gloria Gordon Greg Gregory
Guadalupe Gustavo Hannah Hans Harold Harry Hassan Heather Helen Helena Henry Hiroshi Howard Hugo Hussein Ian Ibrahim
Ines Ingrid Irene Isaac Isabel Isabella Ivan Jack Jacob Jacqueline James Jamal Jan Jane Janet Janice Jason Javier
Jean Jeffrey Jennifer Jeremy Jerry Jesse Jessica Jesus Joan Joanna Joanne Joe Johann John Jonathan Jorge Jose Joseph
Joshua Joyce Juan Judith Judy Julia Julian Julie Justin Karen Karim Katherine Kathleen Kathryn Kathy Katie Keith
Kelly Kenji Kenneth Kevin Khalid Kim Kimberly Klaus Kofi Kumar Kwame Larry Laura Lauren Lawrence Leah Lena Leonard
Leslie Li Lily Linda Lisa Liu Lois Lorenzo Louis Louise Lucas Lucia Lucy Luis Luisa Lukas Lydia Magdalena Manuel
Marco Margaret Maria Marie Marilyn Mario Marion Marta Martha Martin Mary Mateo Matthew Maureen Maya Megan Mehmet
Melanie Melissa Mercedes Mia Michael Michelle Miguel Mikhail Mildred Ming Miriam Mohammed Mohammad Monica Muhammad
Nadia Nancy Naomi Natalia Natasha Nathan Nicholas Nicola Nicole Nikolai Nina Noah Norma Nuno Olga Oliver Olivia Omar
Oscar Pablo Pamela Patricia Patrick Paul Paula Pedro Peter Philip Phyllis Pierre Pooja Priya Rachel Rafael Rahul
Raj Rajesh Ralph Ramon Randy Raquel Raymond Rebecca Renee Ricardo Richard Rita Robert Roberto Robin Roger Ronald Rosa
Rosemary Roy Ruth Ryan Sabrina Samantha Samuel Sandra Sanjay Santiago Sara Sarah Scott Sean Sebastian Sergei Sergio
Shannon Sharon Shirley Simon Sofia Sophia Sophie Stanley Stefan Stephanie Stephen Steven Sunita Susan Suzanne Sven
Sylvia Takeshi Tamara Tanya Teresa Theresa Thomas Timothy Tina Todd Tom Tomas Tony Tyler Valentina Valerie Vanessa
Venkat Vera Veronica Victor Victoria Vikram Vincent Virginia Walter Wanda Wei Wendy William Xavier Yasmin Yusuf Yuki
Yvonne Zainab Zachary Zoe Zhang Wang Hiro Sakura Olufemi Chiamaka Ngozi Thabo Sipho Ayodele Oluwaseun Yaw Ama Esi
"""
# Given names that are also words or eponyms: part of a full name only ("Grace Lee"), never alone ("Grace period").
_AMBIGUOUS = """
Addison Art Bill Bell Bishop Chase Dawn Faith Grace Graves Hope Hunter Ivy Jack Jan June April May Mark Joy Major Max
Miles Rose Ruby Sky Summer Will Wilson Pat Rich Sue Iris Violet Olive Victor Cushing Barrett Paget Huntington Kaposi
Mercedes Dolores Jesus Li Liu Chen Zhang Wang Kim Amir Guadalupe Georgia Virginia Victoria Florence Santiago Sofia
Lucia Carolina Paris Sydney Chelsea Austin Jordan Lincoln Washington Eugene Helena Tyler
"""
AMBIGUOUS = frozenset(_AMBIGUOUS.split())
GIVEN = frozenset(_GIVEN.split()) | {"Grace", "Mark", "Rose", "Will", "Jack", "June", "May", "Dawn", "Faith", "Hope"}
GIVEN_ALONE = GIVEN - AMBIGUOUS
